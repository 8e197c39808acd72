"""Files attached to readings: the type is read from the content, never from the name."""

import io
import zipfile
from pathlib import PurePath

from werkzeug.utils import secure_filename

from course.modules.readings.models import MAX_FILE_SIZE, FileType

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and other Office files
WORD_STREAM = "WordDocument".encode("utf-16-le")  # the stream every .doc file holds


class FileRefused(ValueError):
    """An upload that cannot be attached, with a message for the person."""


def detect_file_type(data):
    """The FileType the bytes are, or None: PDF, Word (.docx) or Word 97-2003 (.doc)."""
    if data[:1024].lstrip().startswith(PDF_MAGIC):
        return FileType.PDF
    if data.startswith(ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return FileType.DOCX
        return None
    if data.startswith(OLE_MAGIC) and WORD_STREAM in data[:MAX_FILE_SIZE]:
        return FileType.DOC
    return None


def check_upload(data, filename):
    """(file type, safe file name) for an upload; raises FileRefused saying what is wrong."""
    if not data:
        raise FileRefused("The file is empty")
    if len(data) > MAX_FILE_SIZE:
        raise FileRefused("The file must be 20 MB or smaller")
    kind = detect_file_type(data)
    if kind is None:
        raise FileRefused("The file must be a PDF or a Word document (.docx or .doc)")
    stem = secure_filename(PurePath(filename or "").stem)[:150] or "reading"
    return kind, f"{stem}{kind.extension}"
