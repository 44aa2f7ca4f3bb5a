"""Import a published action plan (.docx, .odt, .pdf, or exported as text) into a plan YAML file.

Stages in data-flow order: documents (a .docx, .odt or .pdf -> the lines a text export has, see
documents/) or text (bytes -> lines) -> header (establishment, dates) -> rows (table
rows placed in five columns) -> cells (HTML -> Markdown blocks, owner/target values) -> assemble
(concerns and actions, repairing page breaks and merged cells) -> emit (YAML) -> coverage (every
source word placed or dropped with a reason).
"""
from .convert import ImportResult, import_file, import_text
from .coverage import Coverage
from .records import Dropped, ImportFailure, ImportWarning

__all__ = ["Coverage", "Dropped", "ImportFailure", "ImportResult", "ImportWarning", "import_file", "import_text"]
