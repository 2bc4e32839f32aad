"""Rules for reading prospect lists: header rows, cell values, dates, amounts, whole rows.

Pure: the file readers (crm.services.imports.files) hand rows of cell values in, and the
header synonyms and reference look-ups (districts, industries) are passed in as plain data,
so everything here is tested without files or a database.

A row comes out as a `CleanRow` ready to store, as the list of `FieldError`s that reject
it (each naming its field), or as None when it is no data at all (blank, a repeated header,
a total line, a note under the table).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

from crm.domain.contact import InvalidPhone, normalise_phone
from crm.domain.errors import DomainError
from crm.domain.facts import InvalidFacts, parse_fact, yuan
from crm.domain.money import FEN_PER_WAN, FEN_PER_YUAN, InvalidAmount, Unit, parse_money
from crm.domain.prospect import EDITABLE_FIELDS, NAME_MAX, FieldError, ProspectKind
from crm.domain.text import normalise_name, squeeze_spaces, to_halfwidth
from crm.domain.uscc import USCC, InvalidUSCC

# Business facts (crm.domain.facts) a column can give: the prospects an import creates or
# matches get them, confirmed by the importing user on the day of the import.
MONEY_FACTS: Final = (
    "annual_invoicing",
    "avg_monthly_turnover",
    "monthly_wage_per_head",
    "annual_rd_spend",
)
FACT_FIELDS: Final = (
    *MONEY_FACTS,
    "tax_credit_grade",
    "insured_staff",
    "green",
    "tech_enterprise",
)
# The fields a column can fill, in the order a mapping page lists them.
FIELDS: Final = (
    "name",
    "uscc",
    "owner_name",
    "phone",
    "address",
    "district",
    "street",
    "industry",
    "established_on",
    "registered_capital",
    "kind",
    "notes",
    "external_ref",
    *FACT_FIELDS,
)
# How many rows from the top a header row is looked for in.
HEADER_SCAN_ROWS: Final = 30
# Rows whose name says they are totals, not enterprises.
_TOTAL_WORDS: Final = frozenset({"合计", "总计", "小计", "共计", "总数", "合计户数"})
_TOTAL_LINE = re.compile(r"^(合计|总计|小计|共计)[:：\s]|^共\s*\d+\s*(户|家|条|个)")
# Length of names the store keeps (prospect.NAME_MAX) and of the short text columns.
_OWNER_MAX: Final = 100
_ADDRESS_MAX: Final = 300
_STREET_MAX: Final = 100
_REF_MAX: Final = 100
# Fields whose text is kept as the file has it, and the longest the store holds: a longer
# one rejects its row (cutting it would store something the file does not say).
_LIMITS: Final = {
    "owner_name": _OWNER_MAX,
    "address": _ADDRESS_MAX,
    "street": _STREET_MAX,
    "external_ref": _REF_MAX,
}

# Lines under or above a table that are notes, not enterprises.
_NOTE_LINE = re.compile(
    r"^(注|说明|备注|制表|填表|填报|审核|数据来源|导出|打印|统计|截至|单位[:：]|联系人[:：])"
    r"|[:：]$"
)
# Characters that need folding before comparison: full-width forms, ideographic and odd
# spaces, invisible marks.
_NEEDS_FOLD = re.compile("[\uff01-\uff5e\u3000\u00a0\u200b-\u200d\u2060\ufeff]")
# In names only letters, digits and spaces are folded: official enterprise names are written
# with full-width brackets （） and keep them.
_NAME_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)} | {
    code: code - 0xFEE0 for code in (*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}

_BRACKETED = re.compile(r"[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]")
_HEADER_NOISE = re.compile(r"[\s*:：、/\\._\-—#＊]+")
_TRAILING_NUMBER = re.compile(r"\d+$")


# --------------------------------------------------------------------------- headers


def header_key(text: str) -> str:
    """The form headers are compared in: half-width, folded, no brackets, marks or spaces.

    "注册资本（万元）" → "注册资本", "* 企业名称" → "企业名称", "联系电话2" → "联系电话".
    """
    plain = _BRACKETED.sub("", to_halfwidth(text))
    plain = _HEADER_NOISE.sub("", plain).casefold()
    return _TRAILING_NUMBER.sub("", plain) or plain


def amount_unit(header: str) -> Unit | None:
    """The unit a header gives its amounts: 注册资本(万元) → "wan", 注册资本(元) → "yuan"."""
    text = to_halfwidth(header)
    if "万" in text:
        return "wan"
    if "元" in text:
        return "yuan"
    return None


class HeaderVocabulary:
    """Header synonyms by field (resources/data/import_headers.json), ready for matching."""

    def __init__(self, synonyms: Mapping[str, Iterable[str]]) -> None:
        self.exact: dict[str, str] = {}
        contained: list[tuple[str, str]] = []
        for name, headers in synonyms.items():
            if name not in FIELDS:
                raise ValueError(f"unknown import field {name!r}")
            for header in headers:
                key = header_key(header)
                self.exact.setdefault(key, name)
                if len(key) >= 3:
                    contained.append((key, name))
        # Longest first, so 法定代表人电话 is a phone before 法定代表人 makes it an owner.
        self.contained = sorted(contained, key=lambda kv: -len(kv[0]))

    def match(self, header: str) -> tuple[str | None, bool]:
        """(field, exact) for a header cell; (None, False) when nothing matches."""
        key = header_key(header)
        if not key:
            return None, False
        found = self.exact.get(key)
        if found is not None:
            return found, True
        for synonym, name in self.contained:
            if synonym in key:
                return name, False
        return None, False


@dataclass(frozen=True)
class HeaderGuess:
    """Where the header row is (0-based among the rows scanned) and each column's field."""

    row_index: int
    headers: tuple[str, ...]
    fields: tuple[str | None, ...]

    @property
    def mapped(self) -> dict[str, list[int]]:
        return columns_by_field(self.fields)


def columns_by_field(fields: Sequence[str | None]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for column, name in enumerate(fields):
        if name:
            found.setdefault(name, []).append(column)
    return found


def guess_fields(headers: Sequence[str], vocabulary: HeaderVocabulary) -> tuple[str | None, ...]:
    """Each header's field; a field matched exactly by one column is not also given to
    columns that only contain a synonym of it (two "名称" columns stay apart)."""
    matches = [vocabulary.match(h) for h in headers]
    exact = {name for name, is_exact in matches if name and is_exact}
    result: list[str | None] = []
    for name, is_exact in matches:
        if name and not is_exact and name in exact and name not in ("phone", "notes"):
            result.append(None)
        else:
            result.append(name)
    return tuple(result)


def find_header(
    rows: Sequence[Sequence[object]],
    vocabulary: HeaderVocabulary,
    scan: int = HEADER_SCAN_ROWS,
) -> HeaderGuess | None:
    """The row among the first `scan` that looks most like the table's header.

    It must name the enterprise (a name or a USCC column) and at least one more field;
    titles, export notes and merged banner cells above it score lower and are skipped.
    """
    best: tuple[float, int] | None = None
    best_guess: HeaderGuess | None = None
    for index, row in enumerate(rows[:scan]):
        headers = tuple(cell_text(c) for c in row)
        fields = guess_fields(headers, vocabulary)
        distinct = {f for f in fields if f}
        if not ({"name", "uscc"} & distinct) or len(distinct) < 2:
            continue
        exact = sum(1 for h in headers if vocabulary.match(h)[1])
        score = (len(distinct) + exact * 0.1, -index)
        if best is None or score > best:
            best = score
            best_guess = HeaderGuess(index, headers, fields)
    return best_guess


# --------------------------------------------------------------------------- cell values


def clean_text(value: str) -> str:
    """Half-width, trimmed, with every run of spaces one space (fast when nothing to fold)."""
    if _NEEDS_FOLD.search(value):
        return squeeze_spaces(to_halfwidth(value))
    return " ".join(value.split())


def clean_name(value: str) -> str:
    """A name trimmed and squeezed, full-width letters and digits made ASCII, brackets kept."""
    if _NEEDS_FOLD.search(value):
        return squeeze_spaces(value.translate(_NAME_FOLD))
    return " ".join(value.split())


def cell_text(value: object) -> str:
    """A cell as the text a person sees: numbers without a spurious .0, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
_EXCEL_EPOCH: Final = date(1899, 12, 30)
_FIRST_PLAUSIBLE: Final = date(1900, 1, 1)
_DATE_YMD = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*(?:[-/.月]\s*(?P<d>\d{1,2})\s*日?|月?)"
    r"(?:[\sT]+\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?)?"
)
_DATE_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\d{6})?")
_SERIAL = re.compile(r"\d{1,5}(?:\.\d+)?")


def _date_error(shown: str) -> FieldError:
    return FieldError(
        "established_on",
        "import.date",
        "'{text}' is not a date (write it as 2021-03-05, 2021/3/5 or 2021年3月5日)",
        text=shown,
    )


def _from_serial(number: float, shown: str) -> date:
    whole = int(number)
    if 19000101 <= whole <= 21001231:
        return _from_parts(whole // 10000, whole // 100 % 100, whole % 100, shown)
    if not 1 <= whole < 2958466:
        raise _date_error(shown)
    return _EXCEL_EPOCH + timedelta(days=whole)


def _from_parts(year: int, month: int, day: int, shown: str) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise _date_error(shown) from None
    if value < _FIRST_PLAUSIBLE:
        raise _date_error(shown)
    return value


def parse_date(value: object) -> date | None:
    """A date as Chinese exports write it, or None for an empty cell.

    2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305, 2021年3月 (the 1st), a
    date-time, a date cell, or an Excel serial number (44260 is 2021-03-05).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value), cell_text(value))
    shown = str(value).strip()
    text = squeeze_spaces(to_halfwidth(shown))
    if not text:
        return None
    match = _DATE_YMD.fullmatch(text)
    if match:
        return _from_parts(int(match["y"]), int(match["m"]), int(match["d"] or 1), shown)
    match = _DATE_COMPACT.fullmatch(text)
    if match:
        return _from_parts(int(match["y"]), int(match["m"]), int(match["d"]), shown)
    if _SERIAL.fullmatch(text):
        return _from_serial(float(text), shown)
    raise _date_error(shown)


_CURRENCY_WORDS = re.compile(r"(人民币|RMB|CNY)$", re.IGNORECASE)


def parse_capital(value: object, default_unit: Unit) -> int | None:
    """Registered capital in fen: "500", "500万", "500万元人民币", "5,000,000元", 500.0."""
    return parse_amount(value, default_unit, "registered_capital")


def parse_amount(value: object, default_unit: Unit, field_name: str) -> int | None:
    """An amount in fen, a bare number being in `default_unit` (the column's, from its
    header); a value that is not an amount is a FieldError of `field_name`."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = cell_text(value)
    else:
        text = str(value).strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) < 15:
        return int(text) * (FEN_PER_WAN if default_unit == "wan" else FEN_PER_YUAN)
    compact = _CURRENCY_WORDS.sub("", to_halfwidth(text).replace(" ", ""))
    try:
        return parse_money(compact, default_unit)
    except InvalidAmount as exc:
        raise FieldError(field_name, exc.code, exc.template, **exc.params) from exc


_YES: Final = frozenset({"是", "是的", "有", "y", "yes", "true", "1", "√", "✓", "✔"})
_NO: Final = frozenset({"否", "不是", "无", "n", "no", "false", "0", "×", "✗", "✘", "x"})
_COUNT = re.compile(r"(\d+)(?:\.0+)?\s*(人|名|个)?")
_GRADE_SUFFIX = re.compile(r"\s*级$")


def parse_flag(value: object, field_name: str) -> bool | None:
    """是/否 (and Y/N, TRUE/FALSE, 1/0, √/×) as a flag, or None for an empty cell."""
    text = to_halfwidth(cell_text(value)).strip().casefold()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise FieldError(
        field_name, "import.flag", "'{text}' is neither yes nor no (write 是 or 否)", text=text
    )


def parse_count(value: object, field_name: str) -> int | None:
    """A number of people ("25", 25.0, "25人"), or None for an empty cell."""
    shown = cell_text(value).strip()
    if not shown:
        return None
    found = _COUNT.fullmatch(to_halfwidth(shown).replace(",", ""))
    if found is None:
        raise FieldError(
            field_name, "import.count", "'{text}' is not a whole number, 0 or more", text=shown
        )
    return int(found[1])


def parse_grade(value: object, field_name: str) -> str | None:
    """A tax credit grade (A, B, M, C, D; "A级" too), or None for an empty cell."""
    shown = cell_text(value).strip()
    if not shown:
        return None
    try:
        grade = parse_fact("tax_credit_grade", _GRADE_SUFFIX.sub("", shown))
    except InvalidFacts as exc:
        raise FieldError(field_name, exc.code, exc.template, **exc.params) from exc
    assert isinstance(grade, str)
    return grade


_PHONE_SPLIT = re.compile(r"[,，;；/、|]+|\s{2,}")


def parse_phones(value: str) -> tuple[str, list[str]]:
    """The first phone number in a cell and any further ones (normalised).

    Lists often hold two numbers in one cell (13800138000/0757-83212345); a number that
    is not valid rejects the row, since a wrong number is worse than none.
    """
    text = value.strip()
    if not text:
        return "", []
    try:
        return normalise_phone(text), []
    except InvalidPhone as first_error:
        parts = [p for p in _PHONE_SPLIT.split(to_halfwidth(text)) if p.strip()]
        if len(parts) < 2:
            raise FieldError(
                "phone", first_error.code, first_error.template, **first_error.params
            ) from first_error
    numbers: list[str] = []
    for part in parts:
        try:
            numbers.append(normalise_phone(part))
        except InvalidPhone as exc:
            raise FieldError("phone", exc.code, exc.template, **exc.params) from exc
    return numbers[0], numbers[1:]


# --------------------------------------------------------------------------- rows


@dataclass(slots=True)
class CleanRow:
    """A row that passed every check, in the values the store keeps."""

    row_number: int
    name: str
    name_key: str
    kind: str
    uscc: str | None
    owner_name: str = ""
    phone: str = ""
    address: str = ""
    district_code: str | None = None
    street: str = ""
    industry_code: str | None = None
    registered_capital_fen: int | None = None
    established_on: date | None = None
    notes: str = ""
    external_ref: str = ""
    # Business facts the row gives, in their JSON form (amounts in yuan, as
    # crm.domain.facts reads them); None when it gives none (a plain dict: it pickles).
    facts: dict[str, object] | None = None


# Prospect columns an import fills, and the CleanRow attribute each comes from.
STORED_FIELDS: Final = EDITABLE_FIELDS


@dataclass(frozen=True)
class Lookups:
    """Reference look-ups the cleaner needs, given as functions so the domain stays pure.

    Each takes the cell's text and returns a code, or None when it does not know it (the
    text is then kept in the notes, so nothing from the file is lost).
    """

    district: Callable[[str], str | None] = lambda _text: None
    industry: Callable[[str], str | None] = lambda _text: None
    # District code from a USCC's division code (characters 3-8), if it is a known one.
    district_of_division: Callable[[str], str | None] = lambda _code: None


@dataclass
class RowCleaner:
    """Turns rows of cells into CleanRows, given each column's field.

    `fields[i]` is the field column i fills (None: not imported); when several columns
    fill one field, the first non-empty one wins, except for notes, which keep them all.
    """

    headers: Sequence[str]
    fields: Sequence[str | None]
    today: date
    lookups: Lookups = field(default_factory=Lookups)
    capital_unit: Unit = "wan"

    def __post_init__(self) -> None:
        self.columns = columns_by_field(self.fields)
        self._name_headers = {header_key(self.headers[c]) for c in self.columns.get("name", [])}
        self._uscc_headers = {header_key(self.headers[c]) for c in self.columns.get("uscc", [])}
        self._longest_header = max((len(h) for h in self.headers), default=0)
        # Fields filled from one column (the usual case) skip the search over columns.
        self._single = {name: cols[0] for name, cols in self.columns.items() if len(cols) == 1}
        units = [amount_unit(self.headers[c]) for c in self.columns.get("registered_capital", [])]
        self._units: dict[int, Unit] = {
            c: (u or self.capital_unit)
            for c, u in zip(self.columns.get("registered_capital", []), units, strict=True)
        }
        # Amounts of facts are in yuan unless the header says 万元.
        for name in MONEY_FACTS:
            for column in self.columns.get(name, ()):
                self._units[column] = amount_unit(self.headers[column]) or "yuan"
        self._facts = tuple(name for name in FACT_FIELDS if name in self.columns)

    def _first(self, cells: Sequence[object], name: str) -> tuple[object, int]:
        single = self._single.get(name)
        if single is not None:
            value = cells[single] if single < len(cells) else None
            if value is None or value == "" or (isinstance(value, str) and not value.strip()):
                return None, -1
            return value, single
        for column in self.columns.get(name, ()):
            if column < len(cells):
                value = cells[column]
                if value is not None and value != "":
                    if isinstance(value, str) and not value.strip():
                        continue
                    return value, column
        return None, -1

    def _text(self, cells: Sequence[object], name: str) -> str:
        value, _ = self._first(cells, name)
        if value is None:
            return ""
        return clean_text(value if isinstance(value, str) else cell_text(value))

    def is_header_again(self, name: str, uscc: str) -> bool:
        """A header row repeated inside the data (lists pasted together)."""
        if name and len(name) <= self._longest_header and header_key(name) in self._name_headers:
            return True
        return bool(uscc) and not uscc[:1].isdigit() and header_key(uscc) in self._uscc_headers

    def clean(self, cells: Sequence[object], row_number: int) -> CleanRow | list[FieldError] | None:
        """The row's values, its errors, or None when the row is no data."""
        name_value, _ = self._first(cells, "name")
        name_raw = clean_name(cell_text(name_value)) if name_value is not None else ""
        uscc_value, _ = self._first(cells, "uscc")
        uscc_raw = cell_text(uscc_value).strip() if uscc_value is not None else ""
        if not name_raw and not uscc_raw:
            return self._junk_or_error(cells)
        if name_raw in _TOTAL_WORDS or _TOTAL_LINE.match(name_raw):
            return None
        if not uscc_raw and _NOTE_LINE.search(name_raw) and self._only_cell(cells):
            return None
        if self.is_header_again(name_raw, uscc_raw):
            return None
        problems: list[FieldError] = []
        extra_notes: list[str] = []

        name = name_raw
        # A row without a name may still complete a known prospect (matched by its USCC);
        # the import rejects it only if it would have to create one.
        if not name and not uscc_raw:
            problems.append(FieldError("name", "prospect.name_empty", "a name is required"))
        elif len(name) > NAME_MAX:
            problems.append(
                FieldError(
                    "name",
                    "prospect.name_long",
                    "the name is {length} characters; at most {limit}",
                    length=len(name),
                    limit=NAME_MAX,
                )
            )
        uscc: USCC | None = None
        if uscc_raw:
            try:
                uscc = USCC.parse(uscc_raw)
            except InvalidUSCC as exc:
                problems.append(FieldError("uscc", exc.code, exc.template, **exc.params))

        phone = ""
        phone_value, phone_column = self._first(cells, "phone")
        if phone_value is not None:
            try:
                phone, more = parse_phones(cell_text(phone_value))
            except FieldError as exc:
                problems.append(exc)
            else:
                if more:
                    extra_notes.append(f"{self.headers[phone_column]}: {'、'.join(more)}")

        established: date | None = None
        date_value, _ = self._first(cells, "established_on")
        if date_value is not None:
            try:
                established = parse_date(date_value)
            except FieldError as exc:
                problems.append(exc)
            else:
                if established is not None and established > self.today:
                    problems.append(
                        FieldError(
                            "established_on",
                            "prospect.established_future",
                            "the date of establishment {day} is in the future",
                            day=established.isoformat(),
                        )
                    )

        capital: int | None = None
        capital_value, capital_column = self._first(cells, "registered_capital")
        if capital_value is not None:
            try:
                capital = parse_capital(capital_value, self._units[capital_column])
            except FieldError as exc:
                problems.append(exc)

        facts = self._facts_of(cells, problems) if self._facts else None

        texts = {field_name: self._text(cells, field_name) for field_name in _LIMITS}
        for field_name, limit in _LIMITS.items():
            if len(texts[field_name]) > limit:
                problems.append(_too_long(field_name, len(texts[field_name]), limit))

        if problems:
            return problems

        district_code: str | None = None
        district_text = self._text(cells, "district")
        if district_text:
            district_code = self.lookups.district(district_text)
            if district_code is None:
                extra_notes.append(self._labelled("district", district_text))
        address = texts["address"]
        if district_code is None and address:
            district_code = self.lookups.district(address)
        if district_code is None and uscc is not None:
            district_code = self.lookups.district_of_division(uscc.division_code)

        industry_code: str | None = None
        industry_text = self._text(cells, "industry")
        if industry_text:
            industry_code = self.lookups.industry(industry_text)
            if industry_code is None:
                extra_notes.append(self._labelled("industry", industry_text))

        kind_text = self._text(cells, "kind")
        individual = "个体" in kind_text or (uscc is not None and uscc.is_individual_business)
        kind = ProspectKind.INDIVIDUAL.value if individual else ProspectKind.ENTERPRISE.value

        notes = self._notes(cells, extra_notes)
        key = normalise_name(name)
        return CleanRow(
            row_number=row_number,
            name=name,
            # One string when they are equal (the usual case): an import keeps every key.
            name_key=name if key == name else key,
            kind=kind,
            uscc=uscc.value if uscc else None,
            owner_name=texts["owner_name"],
            phone=phone,
            address=address,
            district_code=district_code,
            street=texts["street"],
            industry_code=industry_code,
            registered_capital_fen=capital,
            established_on=established,
            notes=notes,
            external_ref=texts["external_ref"],
            facts=facts,
        )

    def _facts_of(
        self, cells: Sequence[object], problems: list[FieldError]
    ) -> dict[str, object] | None:
        """The row's facts in their JSON form; a value that is not one is a problem."""
        found: dict[str, object] = {}
        for name in self._facts:
            value, column = self._first(cells, name)
            if value is None:
                continue
            parsed: object
            try:
                if name in MONEY_FACTS:
                    fen = parse_amount(value, self._units[column], name)
                    parsed = None if fen is None else yuan(fen)
                elif name == "tax_credit_grade":
                    parsed = parse_grade(value, name)
                elif name == "insured_staff":
                    parsed = parse_count(value, name)
                else:
                    parsed = parse_flag(value, name)
            except FieldError as exc:
                problems.append(exc)
                continue
            if parsed is not None:
                found[name] = parsed
        return found or None

    @staticmethod
    def _only_cell(cells: Sequence[object]) -> bool:
        return sum(1 for c in cells if c is not None and cell_text(c).strip()) <= 1

    def _labelled(self, name: str, text: str) -> str:
        column = self.columns[name][0]
        return f"{squeeze_spaces(self.headers[column])}: {text}"

    def _notes(self, cells: Sequence[object], extra: list[str]) -> str:
        columns = self.columns.get("notes", [])
        parts: list[str] = []
        for column in columns:
            if column >= len(cells):
                continue
            text = cell_text(cells[column]).strip()
            if not text:
                continue
            if len(columns) == 1:
                parts.append(text)
            else:
                parts.append(f"{squeeze_spaces(self.headers[column])}: {text}")
        return "\n".join(parts + extra)

    def _junk_or_error(self, cells: Sequence[object]) -> list[FieldError] | None:
        """A row without name and USCC: no data (blank, a note, a title), or a real row
        whose name is missing (several mapped cells are filled), which is rejected."""
        filled = 0
        for column in (c for columns in self.columns.values() for c in columns):
            if column < len(cells) and cell_text(cells[column]).strip():
                filled += 1
        if filled < 2:
            return None
        return [FieldError("name", "prospect.name_empty", "a name is required")]


def _too_long(name: str, length: int, limit: int) -> FieldError:
    return FieldError(
        name,
        "import.too_long",
        "{length} characters, more than the {limit} this field holds; shorten it (nothing "
        "is cut on import)",
        length=length,
        limit=limit,
    )


def describe_problems(problems: Sequence[DomainError]) -> str:
    """The English text of a row's problems, one clause each (for logs and tests)."""
    return "; ".join(str(p) for p in problems)


# --------------------------------------------------------------------------- pinyin initials
# The search index holds the pinyin initials of names (sztx finds 深圳腾讯). They are made
# here, free of the store, so the processes that prepare an import's rows can make them
# without loading SQLAlchemy; crm.store.search uses the same function.

_PHRASE_MAX = 4


@lru_cache(maxsize=1)
def _letters() -> tuple[dict[str, str], dict[int, str], frozenset[str]]:
    """pypinyin's own phrase and character readings, reduced to first letters.

    pypinyin's ``lazy_pinyin`` makes styles and segmentation objects for every name; the
    same greedy longest-phrase match over its dictionaries is far cheaper and gives the
    same initials (a test holds them equal), which matters when an import or a sync indexes
    tens of thousands of names.
    The first two characters of every phrase are kept apart too: most positions in a name
    start no phrase, and one set look-up says so instead of three dictionary look-ups.
    """
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    phrases = {
        phrase: "".join(_first(reading[0]) for reading in readings)
        for phrase, readings in PHRASES_DICT.items()
        if len(phrase) <= _PHRASE_MAX
    }
    chars = {code: _first(value.split(",")[0]) for code, value in PINYIN_DICT.items()}
    starts = frozenset(phrase[:2] for phrase in phrases if len(phrase) >= 2)
    return phrases, chars, starts


@dataclass(frozen=True)
class PlainInitials:
    """The initials of names that hold no heteronym phrase, from tables small enough to send
    to a worker process, which then need not load pypinyin's large dictionaries; None for a
    name that holds one, whose initials need the whole phrase match of `initials`.

    A phrase changes a name's initials only when its own initials differ from its
    characters' (银行 → yh, the character 行 alone → x). A name with no such phrase in it
    gets its characters' initials whatever phrases the longest match finds, which one
    str.translate makes. Where it answers, it answers as `initials` does.
    """

    # For str.translate: at each code point, to_halfwidth and then its initial (a str, not a
    # dict: much smaller to send to a worker, and faster to translate with).
    table: str
    # The heteronym phrases by their first two characters.
    heteronyms: dict[str, tuple[str, ...]]

    def __call__(self, name: str) -> str | None:
        heteronyms = self.heteronyms
        # One look-up of all the name's character pairs rules most names out.
        if not heteronyms.keys().isdisjoint(map(str.__add__, name, name[1:])):
            for i in range(len(name) - 1):
                phrases = heteronyms.get(name[i : i + 2])
                if phrases is not None and any(name.startswith(p, i) for p in phrases):
                    return None
        return name.translate(self.table).lower()


@lru_cache(maxsize=1)
def plain_initials() -> PlainInitials:
    phrases, chars, _ = _letters()
    heteronyms: dict[str, tuple[str, ...]] = {}
    for phrase, letters in phrases.items():
        if len(phrase) >= 2 and letters != "".join(chars.get(ord(c), c) for c in phrase):
            heteronyms[phrase[:2]] = (*heteronyms.get(phrase[:2], ()), phrase)
    mapped = dict(chars)
    for code, half in ((c, c - 0xFEE0) for c in range(0xFF01, 0xFF5F)):
        mapped[code] = chars.get(half, chr(half))
    mapped[0x3000] = " "
    # Past its end str.translate keeps a character as it is, as `chars` does.
    table = "".join(mapped.get(code, chr(code)) for code in range(max(mapped) + 1))
    return PlainInitials(table, heteronyms)


def _first(reading: str) -> str:
    return unicodedata.normalize("NFD", reading[0])[0]


@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    """Pinyin initials of a name (深圳腾讯 → sztx; 重庆 → cq); other characters kept."""
    return _initials(name)


def _initials(name: str) -> str:
    phrases, chars, starts = _letters()
    text = to_halfwidth(name)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i : i + 2] in starts:
            for length in range(min(_PHRASE_MAX, n - i), 1, -1):
                hit = phrases.get(text[i : i + length])
                if hit is not None:
                    out.append(hit)
                    i += length
                    break
            else:
                out.append(chars.get(ord(text[i]), text[i]))
                i += 1
        else:
            out.append(chars.get(ord(text[i]), text[i]))
            i += 1
    return "".join(out).lower()
