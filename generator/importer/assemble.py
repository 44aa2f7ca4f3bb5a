"""Stage 5: rows -> concerns and actions, repairing what page breaks and merged cells did to the table.

Each rule is general (none knows a file, an establishment or a concern number):

* numbering decides concerns: a row with a number (in the number cell, or printed at the start of
  the concern cell) starts a concern; a row without one starts the next concern, numbered
  previous + 1 (warned), only on evidence: the printed numbers skip that number and the row has a
  capitalised concern with its own action, owner and target; or the text above is finished and the
  row has a capitalised concern with its own action and owner or target; or a section label or OCR
  fragments in the number cell. An inferred number never repeats a printed one, and a row placed
  by guesswork (it lost cells) never starts a concern;
* section labels ('Priority concerns', 'Key concerns') set the kind, priority then key: on a row of
  their own, at the start of the number or the concern cell (whatever follows them), or
  OCR-garbled between two concerns;
* continuation rows (empty number cell) extend the concern text and the last action: mid-sentence
  continuations (lower-case start, or the text above has no closing punctuation) join with a space;
* an owner or target value alone on a row continues the value above when that value is unfinished
  ('Head of Residence and' + 'Services') or it starts lower-case ('July 2023 and' + 'ongoing');
* a short fragment repeating the last words of the text it continues is a page-break repeat;
* parallel lists in one row (several <p>/<li> with matching owners/targets) become one action each;
  lead-ins (a list item or row without a target of its own ending ':' or wholly emphasised) lead
  the next action; merged cells repeating a value are kept once; an empty owner on a new action
  takes the owner above.
Whatever cannot be placed is dropped with a reason; every guess is a warning with its line. What no
rule can make right (a column lost in the export, a plan printed twice) is refused.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from . import cells
from .cells import Block
from .header import header_date_line
from .records import Copied, Dropped, ImportWarning, Refusal, short
from .rows import COLUMNS, Opening, RawRow, Row, non_content_reason, opening, place, section_label, split_fields
from .text import Line

_DANGLING = frozenset(
    "a an the and or but nor of to for with by in on at from as be been being is are was were will shall "
    "that which who whose any their its our your his her this these those into onto upon via per than such "
    "both each all every has have had not also if so it they we can could may might must should would "
    "including include includes between within without through across after before during under over".split())
_REPEAT_RATIO = 0.7
_REPEAT_MAX_WORDS = 8
_LABEL_MAX_WORDS = 5
_LABELS = ("priority concerns", "key concerns")
_LABEL_RATIO = 0.6


@dataclass(frozen=True)
class Action:
    text: str
    owner: str
    target: str
    line: int


@dataclass(frozen=True)
class Concern:
    number: int
    kind: str
    text: str
    actions: tuple[Action, ...]
    line: int
    number_inferred: bool


@dataclass(frozen=True)
class Table:
    concerns: tuple[Concern, ...]
    dropped: tuple[Dropped, ...]
    warnings: tuple[ImportWarning, ...]
    copied: tuple[Copied, ...]
    empty_lines: int
    refusals: tuple[Refusal, ...] = ()


@dataclass
class _ActionDraft:
    blocks: list[Block]
    owner: str
    target: str
    line: int


@dataclass
class _ConcernDraft:
    number: int
    kind: str
    blocks: list[Block]
    line: int
    inferred: bool
    actions: list[_ActionDraft] = field(default_factory=list)


@dataclass
class _LeadIn:
    """A lead-in waiting for the item it introduces (on the next row)."""
    blocks: list[Block]
    owner: str
    line: int


def assemble(lines: tuple[Line, ...], table_index: int, whole_rows: bool = False,
             places: dict[int, str] | None = None, left_out: tuple[Dropped, ...] = ()) -> Table:
    """Turn the table (from its header row at `table_index`) into concerns. For a document (a .docx, .odt
    or PDF): `whole_rows`, each line is a whole row of its table, not a line of a text export that a page
    break may have cut, so a row with an owner or target of its own is never part of the row above;
    `places` names its lines in messages ('page 3, table row 12'); `left_out` is the text its reader kept
    out of the rows (page furniture, text below the table), which the refusals read too."""
    header = lines[table_index]
    raws: list[RawRow] = []
    empty_lines = 0
    for line in lines[table_index + 1:]:
        if line.text.strip() or "\t" in line.text:  # a row of empty cells is a blank row, reported
            raws.append(RawRow(line.number, split_fields(line.text)))
        else:
            empty_lines += 1
    reasons = [non_content_reason(raw) for raw in raws]  # why a row carries no plan text, or None
    content = [raw for raw, reason in zip(raws, reasons) if reason is None]
    refusals = _shape_refusals(header, content, whole_rows, left_out)
    known_owners = {owner for raw in raws if len(raw.fields) == 5 for owner in cells.owner_values(raw.fields[3])}
    builder = _Builder(known_owners, _printed_numbers(content), whole_rows, places or {})
    builder.drop(header.number, cells.plain(header.text.replace("\t", " ")), "table header row")
    for raw, reason in zip(raws, reasons):
        builder.add(raw, reason)
    table = builder.finish(empty_lines)
    return replace(table, refusals=refusals + table.refusals)


def _shape_refusals(header: Line, content: list[RawRow], whole_rows: bool = False,
                    left_out: tuple[Dropped, ...] = ()) -> tuple[Refusal, ...]:
    """A table no repair can read right: a column lost (every row has fewer than five cells), or the
    header lines of a second plan after the table has started (a file holding two plans, or one plan
    twice): in a row of its own, or, in a document, in the text its reader kept out of the rows (a
    second plan's title block below the first plan's table). `content`: the rows that carry plan text."""
    refusals = []
    rows = [raw for raw in content  # section labels left out too
            if not (len(filled := [f for f in raw.fields if f]) == 1 and section_label(filled[0]))]
    widest = max((len(raw.fields) for raw in rows), default=len(COLUMNS))
    if widest < len(COLUMNS):
        names = [cells.plain(f) for f in split_fields(header.text) if f]
        named = f"({', '.join(repr(n) for n in names)})"
        what = (f"the table's header names {len(names)} columns {named} but no row of the table has more than "
                f"{widest} cells" if len(names) > widest else f"the table has {widest} columns {named}, not five")
        if whole_rows:  # a document's table as it is, not an export of it
            refusals.append(Refusal(
                header.number, f"{what}: a column is missing from the document's table",
                "import the plan as published, whose table has five columns (number, concern, action, owner, "
                "target)"))
        else:
            refusals.append(Refusal(
                header.number, f"{what}: a column was lost in the export",
                "export the table again with its five columns (number, concern, action, owner, target) and import that"))
    lone = [(raw.line, next(f for f in raw.fields if f), "starts inside the table")
            for raw in rows if len([f for f in raw.fields if f]) == 1]
    after = [(d.line, d.text, "follows the table") for d in left_out if d.line > header.number]
    second = min(((line, text, how) for line, text, how in lone + after if header_date_line(text)), default=None)
    if second is not None:
        refusals.append(Refusal(
            second[0], f"a second plan header {second[2]} (the file holds two plans, or one plan twice)",
            "import each plan from a file of its own, holding the plan once"))
    return tuple(refusals)


def _printed_numbers(content: list[RawRow]) -> tuple[tuple[int, int], ...]:
    """(line, number) of every concern number the table prints, in order: numbering decides where
    concerns start, and an inferred number must not repeat one of these. A number at the start of a
    concern cell counts only if it is above the numbers printed before it. `content`: the rows that carry plan text."""
    printed: list[tuple[int, int]] = []
    for raw in content:
        fields = (raw.fields + ("",) * len(COLUMNS))[:len(COLUMNS)]  # a short row's first cell may be its number
        found = opening(Row(raw.line, fields, len(raw.fields)))  # type: ignore[arg-type]
        if found.number is not None and (not found.moved or found.number > max((n for _, n in printed), default=0)):
            printed.append((raw.line, found.number))
    return tuple(printed)


class _Builder:
    """The state of one import while rows are read in order (one instance per import)."""

    def __init__(self, known_owners: set[str], printed: tuple[tuple[int, int], ...], whole_rows: bool = False,
                 places: dict[int, str] | None = None):
        self.known_owners = known_owners
        self.printed = printed  # (line, number) of each concern number the table prints
        self.whole_rows = whole_rows  # each row is a whole row of a document's table
        self.places = places or {}  # a document's line -> its place, for messages that name another row
        self.concerns: list[_ConcernDraft] = []
        self.dropped: list[Dropped] = []
        self.warnings: list[ImportWarning] = []
        self.copied: list[Copied] = []
        self.kind: str | None = None
        self.pending: _LeadIn | None = None

    # --- bookkeeping ----------------------------------------------------------------------------
    def drop(self, line: int, text: str, reason: str) -> None:
        if text.strip():
            self.dropped.append(Dropped(line, text.strip(), reason))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportWarning(line, message))

    def on(self, line: int) -> str:
        """Another row named in a message: 'on line 12', or 'in page 3, table row 12' in a document."""
        return f"in {self.places[line]}" if line in self.places else f"on line {line}"

    @property
    def concern(self) -> _ConcernDraft | None:
        return self.concerns[-1] if self.concerns else None

    # --- one row ----------------------------------------------------------------------------------
    def add(self, raw: RawRow, reason: str | None) -> None:
        """One row of the table; `reason`: why it carries no plan text (non_content_reason), or None."""
        if reason:
            self.drop(raw.line, " ".join(cells.flat(f) for f in raw.fields if f), reason)
            if reason == "blank row":
                self.dropped.append(Dropped(raw.line, "", reason))
            return
        filled = [f for f in raw.fields if f]
        label = section_label(filled[0]) if len(filled) == 1 else None
        if label:
            self.set_kind(raw.line, label[0])
            self.drop(raw.line, label[1], "section label (sets the kind of the concerns below)")
            return
        concern, action = self.concern, self.last_action()
        row = place(raw, concern is not None and not _finished(concern.blocks),
                    action is not None and not _finished(action.blocks), self.known_owners)
        if row.placed == "extra":
            extra = [cells.plain(f) for f in raw.fields[5:] if f]
            self.drop(raw.line, " ".join(extra), "more than five cells in the row: the extra cells were not placed")
            self.warn(raw.line, f"row has {len(raw.fields)} cells; text after the fifth cell was not imported")
        elif row.placed:
            self.warn(raw.line, f"row has {row.field_count} cells instead of 5; placed {row.placed}")
        is_new = self.concern_part(row)
        if is_new is not None:
            self.action_part(row, is_new)

    def set_kind(self, line: int, kind: str) -> None:
        if self.kind == "key" and kind == "priority":
            self.warn(line, "a 'priority' section label follows key concerns (kinds are expected in the order priority, key)")
        self.kind = kind

    def last_action(self) -> _ActionDraft | None:
        concern = self.concern
        return concern.actions[-1] if concern and concern.actions else None

    # --- number and concern columns ---------------------------------------------------------------
    def concern_part(self, row: Row) -> bool | None:
        """Handle the number and concern cells; True when the row starts a concern, None when the row
        was used up (a garbled section label)."""
        found = opening(row)
        current = self.concern
        if found.moved and not self.fits_numbering(found.number, row.line):
            found = found.keep_number_in_text()
        for label in found.labels:
            self.drop(row.line, label, "section label (at the start of a cell; sets the kind of the concerns below)")
        if found.kind:
            self.set_kind(row.line, found.kind)
        if found.fragments:
            self.drop(row.line, found.fragments, "text in the number column that is not a number (OCR fragment): not placed")
            self.warn(row.line, f"number cell holds '{found.fragments}', not a number: not placed")
        blocks = list(found.blocks)
        text = " ".join(b.plain for b in blocks)
        number, inferred = found.number, False
        if number is None and blocks:
            starts = self.starts_concern(row, found, text)
            if starts is None:
                return None
            if starts:
                number, inferred = (current.number if current else 0) + 1, True
        if number is not None:
            if self.kind is None:
                self.warn(row.line, "no 'Priority concerns' label before the first concern: assumed priority")
                self.kind = "priority"
            self.flush_pending()
            previous = current.number if current else 0
            if inferred:
                self.warn(row.line, f"concern number missing: a new concern starts here, numbered {number} (previous + 1)")
            elif number != previous + 1:
                self.warn(row.line, f"concern {number} follows concern {previous}")
            if found.moved:
                self.warn(row.line, f"concern number {number} printed at the start of the concern cell: moved to the number")
            if not blocks:
                self.warn(row.line, f"concern {number} has no text")
            self.concerns.append(_ConcernDraft(number, self.kind, blocks, row.line, inferred))
            return True
        if blocks and current is None:
            self.drop(row.line, text, "concern text before the first numbered concern: not placed")
            self.warn(row.line, f"'{short(text, 50)}' comes before the first concern and cannot be numbered: not imported")
        elif blocks:
            if _repeats_end(text, current.blocks):
                self.drop(row.line, text, "repeated fragment: repeats the last words of the concern text above (page break)")
                self.warn(row.line, f"'{text}' repeats the end of concern {current.number}'s text: dropped")
            else:
                self.extend(current.blocks, blocks, row.line, f"concern {current.number}")
        return False

    def starts_concern(self, row: Row, found: Opening, text: str) -> bool | None:
        """Does a row with concern text but no number start the next concern? None when it is a garbled
        section label (which this sets)."""
        current = self.concern
        candidate = (current.number if current else 0) + 1
        if current is None or found.labels:
            evidence = True  # a section label always starts a concern
        elif row.placed:
            evidence = False  # where a short row's cells belong is a guess, not evidence of a concern
        elif found.fragments:
            evidence = _finished(current.blocks)
        elif not cells.starts_upper(text) or _repeats_end(text, current.blocks):
            evidence = False
        elif self.skipped(candidate, row.line) and row.action and row.owner and row.target:
            evidence = True  # the numbering skips this number and the row is a whole concern
        elif not _finished(current.blocks):
            evidence = False
        elif row.action and (row.owner or row.target):
            evidence = True
        elif not row.action and not row.owner and not row.target and _garbled_label(text):
            following = {None: "priority", "priority": "key", "key": "key"}[self.kind]
            self.drop(row.line, text, "unreadable section label (OCR-damaged) between two concerns")
            self.warn(row.line, f"'{text}' between two concerns read as a garbled section label; "
                                f"concerns below are {following} concerns")
            self.kind = following
            return None
        else:
            evidence = False
        if evidence and (line := self.printed_line(candidate)) is not None:
            what = f"concern {current.number}" if current else "the first concern"
            self.warn(row.line, f"this row could start a new concern, but number {candidate} is printed "
                                f"{self.on(line)}: kept as part of {what}")
            return False
        return evidence

    def printed_line(self, number: int) -> int | None:
        return next((line for line, n in self.printed if n == number), None)

    def skipped(self, number: int, line: int) -> bool:
        """The printed numbers jump over `number` here: the next one printed below `line` is higher."""
        below = next((n for printed_line, n in self.printed if printed_line > line), None)
        return below is not None and below > number and self.printed_line(number) is None

    def fits_numbering(self, number: int, line: int) -> bool:
        """A number printed at the start of a concern cell is the concern's number only if it comes
        after the current concern and no other row prints it."""
        current = self.concern
        elsewhere = any(n == number and printed_line != line for printed_line, n in self.printed)
        return (current is None or number > current.number) and not elsewhere

    def extend(self, target: list[Block], blocks: list[Block], line: int, what: str) -> None:
        """Continue text from the row above: mid-sentence joins with a space, else a new paragraph."""
        first = blocks[0]
        if target and (cells.starts_lower(first.plain) or not _finished(target)):
            target[-1] = cells.join(target[-1], first)
            blocks = blocks[1:]
        elif target:
            self.warn(line, f"{what}: text continues on this row as a new paragraph")
        target.extend(blocks)

    # --- action, owner and target columns ---------------------------------------------------------
    def action_part(self, row, is_new: bool) -> None:
        items = list(cells.parse_cell(row.action))
        owners = cells.owner_values(row.owner)
        targets = cells.target_values(row.target)
        concern = self.concern
        if not (items or owners or targets):
            return
        if concern is None:
            self.drop(row.line, " ".join(cells.plain(c) for c in row.cells[2:] if c), "text before the first concern: not placed")
            self.warn(row.line, "action text before the first concern: not imported")
            return
        last = None if is_new else self.last_action()

        if last and len(items) == 1 and not owners and not targets and _repeats_end(items[0].plain, last.blocks):
            self.drop(row.line, items[0].plain, "repeated fragment: repeats the last words of the action above (page break)")
            self.warn(row.line, f"'{items[0].plain}' repeats the end of the action above: dropped")
            return

        own_values = self.whole_rows and bool(owners or targets)  # a document's row with values is an action
        if items and last is not None and not own_values and self.continues(last, items, targets):
            if len(items) == 1 and (owners or targets):
                self.continuation_with_values(last, items[0], owners, targets, row.line)
                return
            last.blocks[-1] = cells.join(last.blocks[-1], items[0])
            items = items[1:]

        if not items:
            alone = not (row.number or row.concern or row.action)  # the row holds only owner/target values
            self.values_only(last or self.last_action(), owners, targets, row.line, continues=alone)
            return

        pending, self.pending = self.pending, None
        lead_ins = [cells.is_lead_in(b) for b in items]
        plain_items = lead_ins.count(False)
        use_lead_ins = any(lead_ins) and plain_items == len(targets)
        groups: list[tuple[list[Block], Block]] = []
        lead: list[Block] = list(pending.blocks) if pending else []
        for block, is_lead in zip(items, lead_ins):
            if use_lead_ins and is_lead:
                lead.append(replace(block, kind="p"))
            else:
                groups.append((lead, block))
                lead = []
        if lead:  # a lead-in with nothing after it in this row: it introduces the next row's item
            owner = " ".join(owners) if not groups else ""
            self.pending = _LeadIn(lead, owner, row.line)
            if not groups:
                if pending and pending.owner:
                    self.values_only(None, [pending.owner], [], pending.line)
                return
        pending_owner = (pending.owner, pending.line) if pending and pending.owner else None

        if not owners and not targets:
            if last is not None:
                for lead_blocks, block in groups:
                    last.blocks.extend(lead_blocks + [block])
                self.warn(row.line, "row has no owner or target: kept as further text of the action above")
            else:
                concern.actions.append(_ActionDraft([b for g in groups for b in g[0] + [g[1]]], "", "", row.line))
                self.warn(row.line, "action has no owner and no target")
            if pending_owner:
                self.values_only(self.last_action(), [pending_owner[0]], [], pending_owner[1])
            return

        if len(groups) == 1:
            owners, targets = self.collapse_repeats(row.line, owners, targets)

        if last is not None and not own_values and len(groups) >= 2 and len(targets) == len(groups) - 1 \
                and len(owners) in (0, 1, len(groups) - 1):
            lead_blocks, block = groups.pop(0)
            last.blocks.extend(lead_blocks + [block])
            self.warn(row.line, f"{len(groups) + 1} paragraphs but {len(targets)} target(s): the first paragraph "
                                f"('{short(block.plain, 50)}') is kept as further text of the action above")

        k = len(groups)
        printed = list(owners)  # owner values this row's own cell prints (each may be used once)
        if not owners:
            above = self.last_action()
            if pending_owner:
                owners = [pending_owner[0]]
                printed = [pending_owner[0]]
                self.warn(row.line, f"owner cell is empty: took '{pending_owner[0]}' from the lead-in row above (merged cell)")
            elif above is not None and above.owner:
                owners = [above.owner]
                self.warn(row.line, f"owner cell is empty: took '{above.owner}' from the action above (merged cell)")
            else:
                owners = [""]
                self.warn(row.line, "owner cell is empty and there is no action above to take it from")
            pending_owner = None
        if pending_owner:
            if all(_same_owner(o, pending_owner[0]) for o in owners):
                self.drop(pending_owner[1], pending_owner[0], "merged cell repeats the owner below")
            else:
                self.values_only(None, [pending_owner[0]], [], pending_owner[1])
        possible_split = None
        if len(owners) < max(k, len(targets)):
            split = self.split_owners(owners, max(k, len(targets)))
            if split is not None and len(split[0]) == k:
                owners = printed = split[0]
                self.warn(row.line, f"owner cell '{split[1]}' holds two owners run together: split into "
                                    f"'{split[2][0]}' and '{split[2][1]}' at an owner named elsewhere in the plan")
            elif split is not None:
                possible_split = split
        if len(owners) == 1 and k > 1:  # one owner cell spanning every item of the row
            owners = owners * k

        if len(targets) == k and len(owners) == k:
            for (lead_blocks, block), owner, target in zip(groups, owners, targets):
                concern.actions.append(_ActionDraft(lead_blocks + [block], owner, target, row.line))
            self.note_copies(row.line, owners, printed)
            return
        if not targets and len(owners) == k:
            for (lead_blocks, block), owner in zip(groups, owners):
                concern.actions.append(_ActionDraft(lead_blocks + [block], owner, "", row.line))
            self.note_copies(row.line, owners, printed)
            self.warn(row.line, "target cell is empty: action(s) imported without a target")
            return
        blocks = [b for lead_blocks, block in groups for b in lead_blocks + [block]]
        distinct_owners = list(dict.fromkeys(owners))
        if len(targets) == 1 and len(distinct_owners) == 1:
            concern.actions.append(_ActionDraft(blocks, distinct_owners[0], targets[0], row.line))
            self.note_copies(row.line, distinct_owners, printed)
            self.warn(row.line, f"{k} items share one target cell: kept as one action")
            return
        owner_text = " ".join(distinct_owners if len(owners) == k and len(distinct_owners) == 1 else owners)
        target_text = " ".join(targets)
        concern.actions.append(_ActionDraft(blocks, owner_text, target_text, row.line))
        self.note_copies(row.line, [owner_text], [" ".join(printed)])
        hint = (f" (the owner could be split into '{possible_split[2][0]}' and '{possible_split[2][1]}')"
                if possible_split else "")
        what = "one block of action text that cannot be split" if k == 1 else f"{k} action items"
        self.warn(row.line, f"{len(owners)} owner(s) '{owner_text}' and {len(targets)} target(s) '{target_text}' "
                            f"for {what}{hint}: kept as one action with owner and target as written "
                            f"— needs an editor")

    def note_copies(self, line: int, used: list[str], printed: list[str]) -> None:
        """Record owners written into the YAML beyond what the row prints (a merged owner cell)."""
        available = list(printed)
        for owner in used:
            if owner in available:
                available.remove(owner)
            elif owner:
                self.copied.append(Copied(line, owner, "owner of a merged cell, repeated for this action"))

    def continues(self, last: _ActionDraft, items: list[Block], targets: list[str]) -> bool:
        """Does the row's first item continue the action above mid-sentence?"""
        first, above = items[0].plain, last.blocks[-1].plain
        if cells.starts_lower(first):
            return True
        if not _finished(last.blocks) and (not targets or len(items) == len(targets) + 1):
            return True
        return _dangling(above) and len(items) == 1

    def continuation_with_values(self, last: _ActionDraft, block: Block, owners: list[str], targets: list[str],
                                 line: int) -> None:
        """A mid-sentence continuation row that also has an owner and/or target of its own."""
        owner_ok = not owners or not last.owner or all(_same_owner(o, last.owner) for o in owners)
        target_ok = not targets or not last.target or all(_same_target(t, last.target) for t in targets)
        if owner_ok and target_ok:
            last.blocks[-1] = cells.join(last.blocks[-1], block)
            self.values_only(last, owners, targets, line)
            return
        split = cells.split_first_sentence(block)
        owner = " ".join(owners) if owners else last.owner
        target = " ".join(targets)
        if split is not None:
            head, tail = split
            last.blocks[-1] = cells.join(last.blocks[-1], head)
            self.concern.actions.append(_ActionDraft([tail], owner, target, line))
            self.note_copies(line, [owner], owners)
            self.warn(line, f"row continues the action above mid-sentence but has its own owner/target "
                            f"('{owner}', '{target}'; above: '{last.owner}', '{last.target}'): its first sentence "
                            f"completes the action above, the rest is a new action — check the published plan")
            return
        last.blocks[-1] = cells.join(last.blocks[-1], block)
        for value, name in ((owners, "owner"), (targets, "target")):
            if value:
                setattr(last, name, f"{getattr(last, name)} {' '.join(value)}".strip())
        self.warn(line, f"row continues the action above mid-sentence but has a different owner/target: kept "
                        f"both as written (owner '{last.owner}', target '{last.target}') — needs an editor")

    def values_only(self, action: _ActionDraft | None, owners: list[str], targets: list[str], line: int,
                    continues: bool = False) -> None:
        """Owner/target values without text of their own: fill an empty cell above, finish a value cut by
        a page break (when `continues`: the row holds nothing else), or drop a repeat."""
        for values, name, same in ((owners, "owner", _same_owner), (targets, "target", _same_target)):
            for value in values:
                current = getattr(action, name) if action else None
                if action is not None and not current:
                    setattr(action, name, value)
                elif action is not None and continues and len(values) == 1 and _value_continues(current, value):
                    setattr(action, name, f"{current} {value}")
                elif action is not None and same(value, current):
                    self.drop(line, value, f"merged cell repeats the {name} above")
                    if value != current:
                        self.warn(line, f"{name} '{value}' read as a repeat of '{current}' above (merged cell)")
                else:
                    self.drop(line, value, f"{name} with no action of its own: not placed")
                    self.warn(line, f"{name} '{value}' has no action it could belong to: not imported")

    def collapse_repeats(self, line: int, owners: list[str], targets: list[str]) -> tuple[list[str], list[str]]:
        """One action whose owner/target cell repeats a value ('March 2024 March 2024'): keep one."""
        result = []
        for values, name in ((owners, "owner"), (targets, "target")):
            if len(values) == 1 and (unit := cells.repeated_unit(values[0])):
                values = [unit[0]] * unit[1]
            if len(values) > 1 and all(v.casefold() == values[0].casefold() for v in values):
                for value in values[1:]:
                    self.drop(line, value, f"merged cell repeats the {name}")
                if name == "owner" and values[0] not in self.known_owners:
                    self.warn(line, f"owner cell repeats '{values[0]}' {len(values)} times; kept once, but "
                                    f"'{values[0]}' is not an owner seen elsewhere in the plan — check it")
                values = values[:1]
            result.append(values)
        return result[0], result[1]

    def split_owners(self, owners: list[str], wanted: int) -> tuple[list[str], str, tuple[str, str]] | None:
        """Split one owner cell holding two owners run together, at an owner seen elsewhere."""
        known = self.known_owners | {o for o in owners}
        for index, owner in enumerate(owners):
            split = cells.split_at_known(owner, known - {owner})
            if split is not None and len(owners) + 1 <= wanted:
                return owners[:index] + list(split) + owners[index + 1:], owner, split
        return None

    def flush_pending(self) -> None:
        """A lead-in with nothing after it before the concern ends: keep it with the action above."""
        pending, self.pending = self.pending, None
        if pending is None:
            return
        action = self.last_action()
        if action is None:
            self.concern.actions.append(_ActionDraft(pending.blocks, pending.owner, "", pending.line))
            self.warn(pending.line, "lead-in has no item after it: imported as an action without a target")
            return
        action.blocks.extend(pending.blocks)
        self.warn(pending.line, "lead-in has no item after it: kept as further text of the action above")
        if pending.owner:
            self.values_only(action, [pending.owner], [], pending.line)

    def finish(self, empty_lines: int) -> Table:
        self.flush_pending()
        concerns = tuple(
            Concern(c.number, c.kind, cells.render(c.blocks),
                    tuple(Action(cells.render(a.blocks), a.owner, a.target, a.line) for a in c.actions),
                    c.line, c.inferred)
            for c in self.concerns)
        for concern in concerns:
            if not concern.actions:
                self.warn(concern.line, f"concern {concern.number} has no actions")
        if concerns and all(c.kind == "priority" for c in concerns):
            self.warn(concerns[-1].line, "the plan ends with no key concerns (plans of this format list priority "
                                         "concerns, then key concerns): no 'Key concerns' label was found — check "
                                         "each concern's kind against the published plan")
        return Table(concerns, tuple(self.dropped), tuple(self.warnings), tuple(self.copied), empty_lines,
                     _repeated_concerns(concerns, self.on))


def _repeated_concerns(concerns: tuple[Concern, ...], on: Callable[[int], str]) -> tuple[Refusal, ...]:
    """A concern printed again, number and text, word for word: the file holds the plan twice (one
    refusal says so; the concerns repeated after it add nothing)."""
    first: dict[tuple[int, str], Concern] = {}
    for concern in concerns:
        earlier = first.setdefault((concern.number, concern.text), concern)
        if earlier is not concern:
            return (Refusal(concern.line, f"concern {concern.number} is printed again, word for word (first "
                                          f"{on(earlier.line)}): the file holds the plan twice",
                            "import a file that holds the plan once"),)
    return ()


# --- small text tests -------------------------------------------------------------------------------
def _finished(blocks: list[Block]) -> bool:
    return not blocks or cells.ends_sentence(blocks[-1].plain)


def _dangling(text: str) -> bool:
    """Text that stops mid-sentence for sure: after a comma, a hyphen or a word like 'and', 'the', 'to'."""
    text = text.rstrip()
    if text.endswith((",", "-", "\u2013", "/", "&")):
        return True
    last = cells.words(text)[-1:] or [""]
    return last[0].lower() in _DANGLING


def _garbled_label(text: str) -> bool:
    """A few words that read as an OCR-damaged section label ('Kcy c0ncerns', 'Var. aanaana'), not a
    short sentence ('Cells were cold.'): close to a label, or not ending as a sentence does."""
    if len(cells.words(text)) > _LABEL_MAX_WORDS:
        return False
    closest = max(SequenceMatcher(None, text.lower(), label).ratio() for label in _LABELS)
    return closest >= _LABEL_RATIO or not cells.ends_sentence(text)


def _repeats_end(fragment: str, blocks: list[Block]) -> bool:
    """A short fragment that repeats (fuzzily, OCR-damaged) the last words of finished text above."""
    if not blocks or not _finished(blocks):
        return False
    fragment_words = [w.lower() for w in cells.words(fragment)]
    if not fragment_words or len(fragment_words) > _REPEAT_MAX_WORDS:
        return False
    tail = [w.lower() for w in cells.words(blocks[-1].plain)][-len(fragment_words):]
    return SequenceMatcher(None, " ".join(fragment_words), " ".join(tail)).ratio() >= _REPEAT_RATIO


def _value_continues(above: str, value: str) -> bool:
    """An owner or target cut by a page break: the value above is unfinished ('Head of Residence and',
    'Governor /') or the value below starts lower-case ('ongoing')."""
    unfinished = above.rstrip().endswith((",", "&", "/")) or (cells.words(above)[-1:] or [""])[0].lower() == "and"
    return unfinished or cells.starts_lower(value)


def _same_owner(value: str, above: str) -> bool:
    """Equal, or one is the start or end of the other ('Governor' repeating 'Governing Governor')."""
    a, b = [w.casefold() for w in cells.words(value)], [w.casefold() for w in cells.words(above)]
    if not a or not b:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return longer[: len(shorter)] == shorter or longer[-len(shorter):] == shorter


def _same_target(value: str, above: str) -> bool:
    return " ".join(value.split()).casefold() == " ".join(above.split()).casefold()
