"""What an uploaded file is, judged by its content, and how stored files leave the system.

An upload is accepted only when its content is what its extension claims, as far as the
installed libraries can tell: a PDF opens with pypdf, an image opens and verifies with Pillow,
a text file decodes as UTF-8 or GB18030, a Word or Excel file has the container its format
uses. Nothing that a browser could take for a web page (HTML, script) is accepted under any
name. Every file is stored under a generated name and served only as a download, through
``download_response``.
"""

import io
import re
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Markup a browser would render or run. A text file may contain none of it. In binary formats
# only the unmistakable tags are looked for (a short pattern turns up by chance in compressed
# data): a "PDF" that continues as HTML, an image with a page in it.
_TEXT_MARKUP = re.compile(
    r"<\s*/?\s*(?:!doctype|html|head|body|script|iframe|frame|svg|object|embed|meta|style"
    r"|link|form|img|a\s)|javascript:",
    re.IGNORECASE,
)
_BINARY_MARKUP = re.compile(
    rb"<!doctype|<html|<body|<script|<iframe|<object|<embed|javascript:", re.IGNORECASE
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream each binary Office format keeps its content in (directory names are UTF-16).
_OLE2_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
}
# The main part of each Office Open XML format, and the content type it is declared with.
_OOXML_PARTS = {
    "docx": ("word/document.xml", b"wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
}
# A zip whose parts unpack to more than this is refused (a "zip bomb").
_MAX_UNPACKED = 20


def extension_of(name: str) -> str:
    return Path(name or "").suffix.lower().lstrip(".")


def stored_name(filename: str) -> str:
    """A generated file name keeping only the (checked) extension of the uploaded one."""
    extension = extension_of(filename)
    suffix = f".{extension}" if extension in CONTENT_TYPES else ""
    return f"{uuid.uuid4().hex}{suffix}"


def _reject(upload, message) -> ValidationError:
    return ValidationError(message % {"name": upload.name, "ext": extension_of(upload.name)})


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def validate_upload(upload) -> None:
    """Raise ValidationError (a Chinese message naming the file) unless the upload is
    acceptable: an allowed extension, within the size limit, and content of that type."""
    extension = extension_of(upload.name)
    allowed = settings.ATTACHMENT_EXTENSIONS
    if extension not in allowed or extension not in CONTENT_TYPES:
        raise ValidationError(
            _("“%(name)s”: files of this type are not accepted (allowed: %(allowed)s).")
            % {"name": upload.name, "allowed": "、".join(allowed)}
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name})
    data = _read(upload)
    _CHECKS[extension](upload, data)


def _not_markup(upload, data: bytes | str) -> None:
    pattern = _TEXT_MARKUP if isinstance(data, str) else _BINARY_MARKUP
    if pattern.search(data):
        raise _reject(
            upload,
            _(
                "“%(name)s” contains web-page markup (HTML or script) and is not accepted; "
                "upload the document itself."
            ),
        )


def _check_pdf(upload, data: bytes) -> None:
    from pypdf import PdfReader

    not_pdf = _("“%(name)s” is not a readable PDF file.")
    if not data.startswith(b"%PDF-"):
        raise _reject(upload, not_pdf)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds on a broken file
        raise _reject(upload, not_pdf) from exc
    if pages < 1:
        raise _reject(upload, not_pdf)
    _not_markup(upload, data)
    if b"/JavaScript" in data:
        raise _reject(upload, _("“%(name)s” is a PDF with embedded scripts and is not accepted."))


def _check_image(upload, data: bytes) -> None:
    from PIL import Image

    expected = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}[extension_of(upload.name)]
    not_image = _("“%(name)s” is not a readable .%(ext)s image.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() does not decode the pixels; a truncated file fails here
    except Exception as exc:  # Pillow: UnidentifiedImageError, SyntaxError, OSError, bombs
        raise _reject(upload, not_image) from exc
    if kind != expected:
        raise _reject(upload, not_image)
    _not_markup(upload, data)


def _check_text(upload, data: bytes) -> None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _reject(upload, _("“%(name)s” is not a text file in UTF-8 or GB18030 encoding."))
    if "\x00" in text:
        raise _reject(upload, _("“%(name)s” is not a text file in UTF-8 or GB18030 encoding."))
    _not_markup(upload, text)


def _check_ole2(upload, data: bytes) -> None:
    streams = _OLE2_STREAMS[extension_of(upload.name)]
    if not data.startswith(_OLE2) or not any(s.encode("utf-16-le") in data for s in streams):
        raise _reject(upload, _("“%(name)s” is not a .%(ext)s file."))


def _check_ooxml(upload, data: bytes) -> None:
    part, content_type = _OOXML_PARTS[extension_of(upload.name)]
    not_office = _("“%(name)s” is not a .%(ext)s file.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or part not in names:
                raise _reject(upload, not_office)
            if sum(m.file_size for m in members) > _MAX_UNPACKED * settings.ATTACHMENT_MAX_BYTES:
                raise _reject(upload, not_office)
            if content_type not in archive.read("[Content_Types].xml"):
                raise _reject(upload, not_office)
            if any(name.endswith("vbaProject.bin") for name in names):
                raise _reject(
                    upload, _("“%(name)s” contains macros and is not accepted; save it without.")
                )
            if archive.testzip() is not None:
                raise _reject(upload, not_office)
    except ValidationError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, a corrupt member, ...
        raise _reject(upload, not_office) from exc


_CHECKS = {
    "pdf": _check_pdf,
    "png": _check_image,
    "jpg": _check_image,
    "jpeg": _check_image,
    "txt": _check_text,
    "doc": _check_ole2,
    "xls": _check_ole2,
    "docx": _check_ooxml,
    "xlsx": _check_ooxml,
}


def download_response(content, *, filename: str, content_type: str = "application/octet-stream"):
    """Every stored file leaves the system through here: as a download that no browser renders
    in the site's origin (``attachment``, ``nosniff``, a sandboxing Content-Security-Policy),
    and that no shared cache keeps. ``content`` is bytes or an open binary file."""
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def content_type_of(filename: str) -> str:
    return CONTENT_TYPES.get(extension_of(filename), "application/octet-stream")
