"""Caseworker pages about government requests, one module per seam.

- `common`: permission names and the helpers every page uses (capability check, scoped lookup, detail URL);
- `requests`: list, create, the detail page's context, status moves, event documents, the printable summary,
  the persons of a draft;
- `followups`: the follow-up letter to the authority (draft, refresh, send, discard);
- `handovers`: handover operations (plan, complete, signed document, cancel).

The request page itself is in `casework.pages`.
"""
