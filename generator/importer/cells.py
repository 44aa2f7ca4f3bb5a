"""Stage 3: one table cell (HTML fragments or plain text) -> Markdown blocks, owner and target values.

Cells carry the HTML of the published Word table (<p>, <ul><li>, <b>, <i>, <u>, <sup>, entities).
A cell becomes a list of blocks (paragraphs or list items) so that parallel lists can be split into
one action per item. Text is escaped so the rendered Markdown reads exactly as published.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
_BLOCK_TAGS = {"p", "li", "div", "ul", "ol", "br", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD_TAGS = {"b", "strong", "u"}  # <u>: Markdown has no underline, so underlined text becomes bold
_ITALIC_TAGS = {"i", "em"}
_INLINE_ESCAPE_RE = re.compile(r"([\\`*_\[\]<>~])")
_ENTITY_LIKE_RE = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_BULLET_RE = re.compile(r"^(?:-|\u2022|\u25cf|\u25aa)\s+")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YEAR = r"(?:\d{4}|\d{2})(?!\d)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?"
# One target as plans print it: 'June 2023', 'Sept 23', 'Jan-25', '30 June 2023', '31/03/2024', 'Q2 2024',
# 'end of March 2024', 'Summer 2024', '2024/25', 'Complete(d)', 'Ongoing', 'monthly'.
_TARGET_ATOM = (rf"(?:(?:(?:by\s+)?(?:the\s+)?end\s+of|by|before|early|mid|late)\s+)?(?:{_DAY}\s+)?{_MONTH}\.?,?[\s'\u2019-]*{_YEAR}"
                rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]{_YEAR}|(?:spring|summer|autumn|winter)\s+{_YEAR}|q[1-4]\s*{_YEAR}"
                r"|\d{4}/\d{2,4}|completed?|on-?going|monthly|weekly|quarterly|annually|immediate(?:ly)?")
_TARGET_ATOM_RE = re.compile(_TARGET_ATOM, re.IGNORECASE)
_TARGET_LIST_RE = re.compile(rf"(?:{_TARGET_ATOM})(?:\s+(?:{_TARGET_ATOM}))+", re.IGNORECASE)
_TARGET_START_RE = re.compile(rf"(?:{_TARGET_ATOM})\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^\d{1,3}[.)]?$")
_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Block:
    """One paragraph ('p') or list item ('li') as inline Markdown. `heading` marks text that is
    wholly emphasised (a sub-heading such as <u>Pharmacy Staffing</u>)."""
    kind: str
    md: str
    heading: bool = False

    @property
    def plain(self) -> str:
        return markdown_plain(self.md)


# --- HTML -> blocks -------------------------------------------------------------------------------
def parse_cell(cell: str) -> tuple[Block, ...]:
    """Split a cell into blocks at <p>/<li>/<br> boundaries; plain text starting "- " is a list item."""
    blocks: list[Block] = []
    segments: list[tuple[str, bool, bool]] = []  # (text, bold, italic)
    kind = "p"
    bold = italic = 0

    def flush() -> None:
        nonlocal segments
        block = _make_block(kind, segments)
        if block is not None:
            blocks.append(block)
        segments = []

    pos = 0
    for match in _TAG_RE.finditer(cell):
        segments.append((html.unescape(cell[pos:match.start()]), bold > 0, italic > 0))
        pos = match.end()
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name in _BLOCK_TAGS:
            flush()
            kind = "li" if name == "li" and not closing else "p"
        elif name in _BOLD_TAGS:
            bold = max(0, bold + (-1 if closing else 1))
        elif name in _ITALIC_TAGS:
            italic = max(0, italic + (-1 if closing else 1))
        # other tags (<sup>, <sub>, <span>, <font>...) only style text: the text is kept, plain
    segments.append((html.unescape(cell[pos:]), bold > 0, italic > 0))
    flush()
    return tuple(blocks)


def _make_block(kind: str, segments: list[tuple[str, bool, bool]]) -> Block | None:
    merged: list[list] = []
    for text, bold, italic in segments:
        if text.strip():  # keep one space at each end where there was any: it separates words
            text = (" " if text[:1].isspace() else "") + " ".join(text.split()) + (" " if text[-1:].isspace() else "")
        else:
            text = " " if text else ""
        if not text:
            continue
        if merged and merged[-1][1:] == [bold, italic]:
            merged[-1][0] += text
        else:
            merged.append([text, bold, italic])
    if not "".join(m[0] for m in merged).strip():
        return None
    if kind == "p" and not merged[0][1] and not merged[0][2]:
        stripped = merged[0][0].lstrip()
        bullet = _BULLET_RE.match(stripped)
        if bullet:
            kind, merged[0][0] = "li", stripped[bullet.end():]
    heading = all(bold or italic for text, bold, italic in merged if text.strip())
    parts = []
    for text, bold, italic in merged:
        lead = " " if text[:1].isspace() else ""
        tail = " " if text[-1:].isspace() else ""
        core = _escape_inline(" ".join(text.split()))
        if core and (bold or italic):
            marker = ("**" if bold else "") + ("*" if italic else "")
            core = marker + core + marker[::-1]
        parts.append(lead + core + tail)
    md = " ".join("".join(parts).split())
    return Block(kind, md, heading) if md else None


def _escape_inline(text: str) -> str:
    return _ENTITY_LIKE_RE.sub(r"\\&", _INLINE_ESCAPE_RE.sub(r"\\\1", text))


def _escape_block_start(md: str) -> str:
    """Escape what Markdown would read as block syntax at the start of a line (#, >, +, -, =, "1.")."""
    ordered = re.match(r"^(\d{1,9})([.)])(?=\s|$)", md)
    if ordered:
        return ordered.group(1) + "\\" + md[ordered.end(1):]
    if md[:1] in "#>+-=|" or md[:1].isspace():
        return "\\" + md
    return md


def render(blocks: tuple[Block, ...] | list[Block]) -> str:
    """Markdown text: paragraphs separated by a blank line, consecutive list items on their own lines."""
    out: list[str] = []
    previous = None
    for block in blocks:
        line = ("- " if block.kind == "li" else "") + _escape_block_start(block.md)
        if out:
            out.append("\n" if previous == "li" and block.kind == "li" else "\n\n")
        out.append(line)
        previous = block.kind
    return "".join(out) + "\n" if out else ""


def markdown_plain(md: str) -> str:
    """The text a reader sees: emphasis markers and backslash escapes removed."""
    text = re.sub(r"(?<!\\)\*+", "", md)
    return re.sub(r"\\(.)", r"\1", text)


def flat(cell: str) -> str:
    """A cell as printed on one line: tags removed, entities decoded, whitespace collapsed; unlike
    plain(), a leading '- ' stays (it is not read as a list bullet)."""
    return " ".join(html.unescape(_TAG_RE.sub(" ", cell)).split())


def plain(cell: str) -> str:
    """A cell as one line of plain text (tags removed, entities decoded, whitespace collapsed)."""
    return " ".join(b.plain for b in parse_cell(cell))


def join(first: Block, second: Block) -> Block:
    """Join a mid-sentence continuation onto a block with one space (not a new paragraph)."""
    return replace(first, md=f"{first.md} {second.md}", heading=first.heading and second.heading)


# --- sentence and value tests ----------------------------------------------------------------------
def ends_sentence(text: str) -> bool:
    """True when text ends with closing punctuation (so what follows is not the same sentence)."""
    text = text.rstrip().rstrip("\"'\u2019\u201d)]*").rstrip()
    return text[-1:] in (".", "!", "?", ":", ";")


def starts_lower(text: str) -> bool:
    text = text.lstrip("\"'\u2018\u201c(*- ")
    return text[:1].islower()


def starts_upper(text: str) -> bool:
    text = text.lstrip("\"'\u2018\u201c(*- ")
    return text[:1].isupper() or text[:1].isdigit()


def is_lead_in(block: Block) -> bool:
    """A block that introduces what follows: ends with ':' or is a wholly emphasised heading."""
    return block.plain.rstrip().endswith(":") or block.heading


def words(text: str) -> list[str]:
    """Words as the coverage check counts them: runs of letters and digits."""
    return _WORD_RE.findall(text)


_NOT_IN_OWNERS = frozenset("will would should shall must can is are was were be been has have had with to that "
                           "which this these those the a an if when where".split())


def plausible_owner(text: str) -> bool:
    """A short role or organisation name ('Governor', 'Head of Healthcare, PPG'), not prose."""
    tokens = [w.lower() for w in words(text)]
    return (0 < len(tokens) <= 8 and not starts_lower(text) and not text.rstrip().endswith((",", ":", ";"))
            and not any(t in _NOT_IN_OWNERS for t in tokens))


def is_number(text: str) -> bool:
    return bool(_NUMBER_RE.match(text.strip()))


def looks_like_target(text: str) -> bool:
    """A target date cell: starts with a month and year, Complete(d), Ongoing..., and is short."""
    text = text.strip()
    return bool(text) and bool(_TARGET_START_RE.match(text)) and len(words(text)) <= 12


def target_values(cell: str) -> list[str]:
    """Target cell -> values: one per <p>, or several dates written one after another in plain text
    ("June 2023 June 2023 October 2023"); anything else is one value as written."""
    blocks = parse_cell(cell)
    if len(blocks) > 1:
        return [b.plain for b in blocks]
    if not blocks:
        return []
    text = blocks[0].plain
    if _TARGET_LIST_RE.fullmatch(text):
        return [m.group(0) for m in _TARGET_ATOM_RE.finditer(text)]
    return [text]


def owner_values(cell: str) -> list[str]:
    """Owner cell -> one value per <p>; plain text is one value as written."""
    return [b.plain for b in parse_cell(cell)]


def repeated_unit(text: str) -> tuple[str, int] | None:
    """'Governor Governor' -> ('Governor', 2): a merged cell printed once per row it spans."""
    tokens = text.split()
    for size in range(1, len(tokens) // 2 + 1):
        if len(tokens) % size == 0 and tokens == tokens[:size] * (len(tokens) // size):
            return " ".join(tokens[:size]), len(tokens) // size
    return None


def split_at_known(owner: str, known: set[str]) -> tuple[str, str] | None:
    """'Governor MOJ / Amey' -> ('Governor', 'MOJ / Amey') when an owner seen elsewhere in the plan is
    a prefix or a suffix of the cell; the longest such owner wins."""
    best: tuple[int, tuple[str, str]] | None = None
    for candidate in known:
        if candidate == owner:
            continue
        if owner.startswith(candidate + " "):
            split = (candidate, owner[len(candidate):].strip())
        elif owner.endswith(" " + candidate):
            split = (owner[: -len(candidate)].strip(), candidate)
        else:
            continue
        rest = split[1] if split[0] == candidate else split[0]
        joint = (re.match(r"^(?:[/&,+-]|(?:and|or)\b)", rest) if split[0] == candidate
                 else re.search(r"(?:[/&,+-]|\b(?:and|or))$", rest))  # 'Governor / MOJ' is one joint owner
        # a one-word rest ('Deputy' of 'Deputy Governor') is part of a title, not an owner
        if rest and not joint and (rest in known or len(words(rest)) >= 2) and (best is None or len(candidate) > best[0]):
            best = (len(candidate), split)
    return best[1] if best else None


def split_first_sentence(block: Block) -> tuple[Block, Block] | None:
    """Split after the first sentence ('... Recovery Unit. Head of ...'); None when there is no clear
    sentence end or the split would cut through emphasis."""
    for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z])", block.md):
        head, tail = block.md[: match.start()], block.md[match.end():]
        if len(re.findall(r"(?<!\\)\*", head)) % 2 == 0 and len(words(head)) >= 2:
            return replace(block, md=head), replace(block, md=tail, kind="p")
    return None


def month_number(name: str) -> int | None:
    name = name.lower().rstrip(".")
    if len(name) < 3:
        return None
    for number, month in enumerate(_MONTHS, 1):
        if month.startswith(name) or (name == "sept" and month == "september"):
            return number
    return None
