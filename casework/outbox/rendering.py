"""The one renderer of outbound e-mails: subject, text and HTML of templates/email/<template>.*.

Every e-mail is rendered here, when it is recorded (`services.outbound_message_create`) and when a
follow-up letter is reviewed before sending (`govrequests.selectors.followup_render`): sending
compares the `digest` of the reviewed letter with the letter rendered again, so both must be
rendered by this function.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

SUBJECT_MAX_LENGTH = 200


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str

    @property
    def digest(self) -> str:
        """Fingerprint of exactly what would be sent: a send is refused if it changed since the review."""
        return hashlib.sha256("\x00".join((self.subject, self.text, self.html)).encode()).hexdigest()


def render_email(*, template: str, context: dict[str, Any], language: str) -> RenderedEmail:
    """Subject (one line, at most 200 characters), text and HTML bodies of the e-mail, in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"email/{template}.subject.txt", context).split())
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    return RenderedEmail(subject=subject[:SUBJECT_MAX_LENGTH], text=text, html=html)


def absolute_url(path: str) -> str:
    """A site path as the absolute URL an e-mail links to (`SITE_URL` + path)."""
    return settings.SITE_URL.rstrip("/") + path
