"""Stored personal-data files (photos, scans): checking uploads by content, serving them after a scope check."""

from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps


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


# --- Checking uploads by their content -------------------------------------------------------------

# The types a scan may have, by the extension it is stored under, and the first bytes of each.
SCAN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
)
# Photos: what Pillow reads, and the extension the re-encoded photo is stored under.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def scan_type(upload: Any) -> str | None:
    """The extension of the scan type `upload`'s first bytes show (pdf, png, jpg, tif, webp), or None."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return next((extension for signature, extension in SCAN_SIGNATURES if head.startswith(signature)), None)


def validate_scan(upload: Any) -> None:
    """A scan (document copy, answer, signed handover record) must be a PDF or an image by its content.

    The name the browser sent is not trusted: HTML named `.pdf` is refused. An accepted scan is
    renamed to the extension of its content, so that it is stored (and later served) as what it is.
    """
    detected = scan_type(upload)
    if detected is None:
        raise ValidationError(
            _("The file is not a PDF, JPEG, PNG, TIFF or WEBP file (its content was checked, not its name)."),
            code="invalid_scan",
        )
    stem = (upload.name or "scan").rsplit(".", 1)[0]
    upload.name = f"{stem}.{detected}"


def reencode_photo(upload: Any, *, name: str = "photo") -> ContentFile:
    """`upload` decoded and encoded again by Pillow: no EXIF (GPS position, camera), no trailing bytes.

    Only JPEG, PNG and WEBP are accepted; anything Pillow cannot decode fully is refused.
    """
    refused = ValidationError(_("The photo must be a JPEG, PNG or WEBP image."), code="invalid_photo")
    upload.seek(0)
    try:
        with Image.open(upload) as opened:
            image_format = opened.format
            if image_format not in PHOTO_FORMATS:
                raise refused
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (Image.UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise refused from None
    icc_profile = image.info.get("icc_profile")
    image.info = {}  # text chunks, EXIF and XMP are not copied
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = BytesIO()
    options: dict[str, Any] = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    image.save(out, image_format, **options)
    return ContentFile(out.getvalue(), name=f"{name}.{PHOTO_FORMATS[image_format]}")
