"""What the government request page tests share: their URLs and how they read a response."""

from django.urls import reverse

from casework.govrequests.choices import RequestStatus
from casework.govrequests.models import GovernmentRequest


def reads_of(captured) -> list[dict]:
    """The reading queries (PostgreSQL reads model choices through a server-side cursor: DECLARE)."""
    return [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]


RS = RequestStatus

LIST_URL = reverse("govrequests:request_list")
CREATE_URL = reverse("govrequests:request_create")


def url(name: str, gov_request: GovernmentRequest) -> str:
    return reverse(f"govrequests:{name}", args=[gov_request.public_id])


def references(response) -> list[str]:
    """References of the rows shown, in order."""
    html = response.content.decode()
    marker = 'data-reference="'
    found = []
    start = html.find(marker)
    while start != -1:
        end = html.index('"', start + len(marker))
        found.append(html[start + len(marker) : end])
        start = html.find(marker, end)
    return found
