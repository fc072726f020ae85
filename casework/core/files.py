"""Serving stored personal-data files (photos, scans) from views that have already checked scope."""

from typing import Any

from django.http import FileResponse, Http404


def private_file_response(stored: Any, *, as_attachment: bool = True, content_type: str | None = None) -> FileResponse:
    """`stored` (a FieldFile) streamed under its own opaque name, never kept by a shared cache.

    A file missing from storage (deleted by hand, a restore without the media) is a 404, not a 500.
    """
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=stored.name.rsplit("/", 1)[-1], content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
