"""Which reader a file needs, told by its bytes rather than its name: a PDF starts '%PDF-'; a .docx and an
.odt are ZIP archives, told apart by 'word/document.xml' and by the 'mimetype' member; anything else is
taken as a text export. A name that claims another format than the bytes show is refused, as it usually
means the wrong file was picked."""
from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from ..records import failure

PDF, DOCX, ODT, TEXT = "pdf", "docx", "odt", "text"
DESCRIPTIONS = {PDF: "a PDF", DOCX: "a Word document (.docx)", ODT: "an OpenDocument text (.odt)",
                TEXT: "a text export"}
_EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".odt": ODT, ".txt": TEXT, ".tsv": TEXT}
_CANONICAL = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt", TEXT: ".txt"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 files and password-protected Office files
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def detect(data: bytes, source_name: str) -> str:
    """PDF, DOCX, ODT or TEXT; a ZIP or Office file of another kind is refused here."""
    if data.lstrip(b"\x00\t\n\r\f ")[:5] == b"%PDF-":
        kind = PDF
    elif data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data, source_name)
    elif data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise failure(source_name, None, "the document is password-protected",
                          "open it, save a copy without a password, and import that copy")
        raise failure(source_name, None, "this is an old Word 97-2003 (.doc) or other Office file",
                      "open it in a word processor, save it as .docx or .odt, and import that file")
    else:
        kind = TEXT
    _check_name(kind, source_name)
    return kind


def _zip_kind(data: bytes, source_name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError):
        raise failure(source_name, None, "the file is damaged or incomplete (it starts as a ZIP archive, as .docx "
                      "and .odt files do, but cannot be read as one)",
                      "download or save the document again and import the new copy") from None
    if "word/document.xml" in names:
        return DOCX
    if mimetype == _ODT_MIMETYPE:
        return ODT
    what = (f"an OpenDocument file of another kind ({mimetype.decode('ascii', 'replace')})" if mimetype
            else "a spreadsheet or presentation" if {"xl/workbook.xml", "ppt/presentation.xml"} & names
            else "a ZIP archive")
    raise failure(source_name, None, f"this is {what}, not a Word (.docx) or OpenDocument text (.odt) document",
                  "import the published plan itself (.docx, .odt, .pdf or a text export)")


def _check_name(kind: str, source_name: str) -> None:
    path = PurePath(source_name)
    claimed = _EXTENSIONS.get(path.suffix.lower())
    if claimed is None or claimed == kind:
        return
    if kind == TEXT:
        what = f"the file is named {path.suffix} but is not {DESCRIPTIONS[claimed]}"
        how = "download the plan again, or check that this is the file you meant"
    else:
        what = f"the file is named {path.suffix} but is {DESCRIPTIONS[kind]}"
        how = f"rename it {path.stem}{_CANONICAL[kind]} (or check that this is the file you meant)"
    raise failure(source_name, None, what, how)
