"""Read a published plan document (.docx, .odt, .pdf) into the text importer's own input.

detect (bytes -> format) -> docx / odt / pdf (bytes -> Document: title block, table rows, dropped page
furniture, in reading order; see shape) -> lines (Document -> numbered lines and their places).
"""
from __future__ import annotations

from .detect import DOCX, ODT, PDF, TEXT, detect
from .lines import DocumentLines, document_lines
from .shape import Document


def read_document(kind: str, data: bytes, source_name: str) -> Document:
    """The reader for `kind` (DOCX, ODT or PDF); each loads its library only when it is needed."""
    if kind == DOCX:
        from .docx import read_docx
        return read_docx(data, source_name)
    if kind == ODT:
        from .odt import read_odt
        return read_odt(data, source_name)
    from .pdf import read_pdf
    return read_pdf(data, source_name)


__all__ = ["DOCX", "ODT", "PDF", "TEXT", "Document", "DocumentLines", "detect", "document_lines", "read_document"]
