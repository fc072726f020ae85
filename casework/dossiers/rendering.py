"""HTML templates to PDF with WeasyPrint, with the fonts shipped in casework/dossiers/fonts/.

Nothing is fetched from the network: the only URLs WeasyPrint may open are the shipped fonts and the
annexed scans (`LocalFilesFetcher` refuses anything else, including other local files).
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

from casework.dossiers.selectors import DossierContent

FONTS = Path(__file__).resolve().parent / "fonts"


class LocalFilesFetcher(URLFetcher):
    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols=("file",))
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: Any = None) -> Any:
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError("a dossier reads only the shipped fonts and the annexed scans")
        return super().fetch(url, headers)


def render_pdf(
    content: DossierContent, *, draft: bool, organisation: Any, signing_officer: str = "", signing_title: str = ""
) -> tuple[bytes, int]:
    """The dossier as PDF bytes and its number of pages. Drafts carry a watermark on every page."""
    annexed = [a for a in content.annexes if a.file_name and default_storage.exists(a.file_name)]
    with translation.override(content.language):
        html = render_to_string(
            "pdf/dossier.html",
            {
                "content": content,
                "gov_request": content.gov_request,
                "authority": content.gov_request.authority,
                "organisation": organisation,
                "draft": draft,
                "signing_officer": signing_officer,
                "signing_title": signing_title,
                "show": {field: True for field in content.fields},
                "fonts_url": FONTS.as_uri(),
                "rtl": content.language == "ar",
                "annex_images": [(a, Path(default_storage.path(a.file_name)).as_uri()) for a in annexed if a.is_image],
            },
        )
    # PDF scans travel as file attachments of the PDF (named by annex number: stored names stay private).
    attachments = []
    for annex in annexed:
        if not annex.is_image:
            with default_storage.open(annex.file_name, "rb") as handle:
                attachments.append(
                    Attachment(
                        string=handle.read(), name=f"annex-{annex.number}.pdf", description=f"Annex {annex.number}"
                    )
                )
    fetcher = LocalFilesFetcher([FONTS, Path(default_storage.location)])
    document = HTML(string=html, url_fetcher=fetcher, base_url=FONTS.as_uri() + "/").render()
    return document.write_pdf(attachments=attachments or None), len(document.pages)
