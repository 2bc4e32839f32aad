"""A realistic, deterministic demo book for one prefecture city (Foshan).

Everything is drawn from the vocabularies in resources/demo with one seeded generator, so
the same seed on the same day gives the same database, ids included. Rows are written with
bulk Core inserts and the search index is filled from pinyin initials computed once per
vocabulary word: 100,000 prospects must take well under 30 s.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Date

from crm import resources
from crm.domain.stages import add_months
from crm.domain.text import normalise_name
from crm.domain.uscc import ALPHABET, make_uscc
from crm.services import visit_rules
from crm.services.context import DEFAULT_ZONE
from crm.services.demo_visits import TICK_COLUMNS, VISIT_COLUMNS, VisitDrawer
from crm.services.outbox import DEVICE_KEY
from crm.services.users import CURRENT_USER_KEY
from crm.store import search
from crm.store.engine import raw_connect
from crm.store.migrate import open_database
from crm.store.models import (
    AppMeta,
    Assignment,
    Contact,
    District,
    Loan,
    Prospect,
    ProspectTag,
    SourceMembership,
    StageEvent,
    Team,
    User,
)
from crm.store.models_visit import CadenceRule, ChecklistArea, ChecklistItem
from crm.store.types import UTCDateTime

T = TypeVar("T")
BATCH = 5000

# Shares of the pipeline in a typical reserve pool.
STAGE_WEIGHTS = {"no_loan": 68, "first_loan": 20, "strategic": 5, "dropped": 7}
# How often each list names an enterprise; several lists often name the same one.
SOURCE_WEIGHTS = {
    "settlement_account": 22,
    "credit_platform": 16,
    "visit_campaign": 12,
    "park": 10,
    "supply_chain": 9,
    "authority_list": 8,
    "gov_new_registration": 7,
    "gov_taxpayer": 5,
    "gov_insured_staff": 4,
    "district": 3,
    "online_application": 3,
    "green": 1,
    "rural": 1,
    "shared_pool": 2,
}
DROP_WEIGHTS = {
    "no_need": 40,
    "other_bank": 25,
    "ineligible": 15,
    "closed": 10,
    "risk": 6,
    "other": 4,
}
DROP_TEXT = {
    "no_need": "客户表示暂无融资需求，资金充裕",
    "other_bank": "已在他行获得授信",
    "ineligible": "纳税信用等级为C，暂不符合准入条件",
    "closed": "企业已停业注销",
    "risk": "发现实际控制人涉诉，存在风险",
    "other": "客户迁出本市经营",
}
TEAMS = (
    ("普惠金融一部", "佛山分行南海支行"),
    ("普惠金融二部", "佛山分行顺德支行"),
    ("普惠金融三部", "佛山分行禅城支行"),
)
NOTES = (
    "老板有扩产计划，预计明年一季度有设备采购资金需求。",
    "已开立结算账户，代发工资业务在谈。",
    "对税务贷款产品感兴趣，需补充近两年纳税证明。",
    "主要客户为本地家电龙头企业，回款周期约60天。",
    "厂房为租赁，租期还有三年，用水用电正常。",
    "财务由代账公司处理，报表不够规范，已推荐财务辅导。",
    "",
    "",
)


@dataclass(frozen=True)
class DemoSummary:
    path: str
    prospects: int
    users: int
    teams: int
    loans: int
    signed_in: str
    seconds: float
    visits: int = 0


class Weighted:
    """Weighted choice over items with a precomputed cumulative table (fast in loops)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _weighted(entries: Sequence[dict[str, Any]], key: str = "value") -> Weighted:
    return Weighted(
        [e if key == "*" else e[key] for e in entries], [float(e.get("weight", 1)) for e in entries]
    )


def _bulk(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows through the driver: at 100k rows SQLAlchemy's per-row bind processing
    is a third of the run. Values are converted exactly as the column types would."""
    if not rows:
        return
    columns = list(rows[0])
    sql = (
        f"INSERT INTO {table.__tablename__} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    conn.exec_driver_sql(sql, [tuple(_db_value(r[c]) for c in columns) for r in rows])


def _db_value(value: Any) -> Any:
    # Every demo timestamp is already UTC, so this is what UTCDateTime would store.
    if isinstance(value, date):
        return (
            value.isoformat(timespec="microseconds")
            if isinstance(value, datetime)
            else (value.isoformat())
        )
    return value


def _uuid7(rng: random.Random, when: datetime) -> str:
    """A UUIDv7 whose random bits come from the seeded generator, so reruns give equal ids."""
    return _uuid7_ms(rng, int(when.timestamp() * 1000))


def _uuid7_ms(rng: random.Random, millis: int) -> str:
    """``_uuid7`` for a moment given in epoch milliseconds."""
    bits = rng.getrandbits(74)
    value = ((millis & 0xFFFF_FFFF_FFFF) << 80) | (0x7 << 76) | ((bits >> 62) << 64)
    value |= (0b10 << 62) | (bits & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Vocab:
    """The demo vocabularies, with pinyin initials computed once per word."""

    def __init__(self) -> None:
        names = resources.demo_names()
        city = resources.demo_city()
        self.city = city
        self.names = names
        self.surnames = _weighted(names["surnames"])
        self.given = list(names["given_name_chars"])
        self.given_len = Weighted(
            [int(k) for k in names["given_name_length_weights"]],
            list(names["given_name_length_weights"].values()),
        )
        self.trades = list(names["trade_names"])
        ent = names["enterprise"]
        self.ent_sections = Weighted(
            list(ent["section_weights"]), list(ent["section_weights"].values())
        )
        self.ent_words = {
            sec: _weighted(words, "*") for sec, words in ent["industry_words"].items()
        }
        self.ent_suffix = _weighted(ent["legal_suffixes"])
        self.ent_patterns = _weighted(ent["patterns"], "pattern")
        ind = names["individual"]
        self.ind_sections = Weighted(
            list(ind["section_weights"]), list(ind["section_weights"].values())
        )
        self.ind_words = {sec: _weighted(words, "*") for sec, words in ind["words"].items()}
        self.ind_patterns = _weighted(ind["patterns"], "pattern")
        rural = names["rural"]
        self.rural_words = _weighted(rural["words"], "*")
        self.rural_patterns = _weighted(rural["patterns"], "pattern")
        self.roles = _weighted(names["contact_roles"], "name_zh")
        self.mobile = list(names["mobile_prefixes"])
        self.districts = city["districts"]
        self.district_pick = _weighted(self.districts, "*")
        addr = city["address"]
        self.addr_patterns = _weighted(addr["patterns"], "pattern")
        self.villages = addr["villages"]
        self.areas = addr["areas"]
        self.buildings = addr["buildings"]
        self.number_range = addr["number_range"]
        self.floor_range = addr["floor_range"]
        self._initials: dict[str, str] = {}

    def initials(self, word: str) -> str:
        cached = self._initials.get(word)
        if cached is None:
            cached = self._initials[word] = search.initials(word)
        return cached


def _street_short(street: str) -> str:
    for suffix in ("镇街道", "街道", "镇"):
        if street.endswith(suffix):
            return street[: -len(suffix)]
    return street


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _fill(pattern: str, parts: dict[str, str], vocab: _Vocab) -> tuple[str, str]:
    """The name from a pattern, and its pinyin initials built from cached pieces."""
    pieces = _PLACEHOLDER.split(pattern)  # literal, key, literal, key, ...
    name: list[str] = []
    letters: list[str] = []
    for i, piece in enumerate(pieces):
        value = parts[piece] if i % 2 else piece
        name.append(value)
        letters.append(vocab.initials(value) if value else "")
    return "".join(name), "".join(letters)


class _Builder:
    """Draws one chunk of the book; each chunk has its own generator seeded by (seed, chunk)
    so chunks can be drawn in parallel processes and still give the same database."""

    def __init__(self, seed: int, today: date, chunk: int | str = "people") -> None:
        self.rng = random.Random(f"{seed}:{chunk}")
        self.seed = seed
        self.chunk = chunk if isinstance(chunk, int) else 0
        self.today = today
        self.now = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=1)
        self.v = _Vocab()
        self.usccs: set[str] = set()
        self.stage_pick = Weighted(list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()))
        self.sources = [s.code for s in resources.sources()]
        weights = [SOURCE_WEIGHTS.get(c, 1) for c in self.sources]
        self.source_pick = Weighted(self.sources, weights)
        self.drop_pick = Weighted(list(DROP_WEIGHTS), list(DROP_WEIGHTS.values()))
        self.tag_codes = [t.code for t in resources.tags()]

    # -- people ---------------------------------------------------------------------------

    def person(self) -> tuple[str, str]:
        rng = self.rng
        surname = self.v.surnames.pick(rng)
        given = "".join(rng.choice(self.v.given) for _ in range(self.v.given_len.pick(rng)))
        name = surname + given
        return name, self.v.initials(surname) + "".join(self.v.initials(c) for c in given)

    def mobile(self) -> str:
        prefix: str = self.rng.choice(self.v.mobile)
        return prefix + f"{self.rng.randrange(10**8):08d}"

    def phone(self) -> str:
        if self.rng.random() < 0.2:
            return f"{self.v.city['phone_area_code']}-8{self.rng.randrange(10**7):07d}"
        return self.mobile()

    def when(self, start: date, end: date) -> date:
        span = max((end - start).days, 0)
        return start + timedelta(days=self.rng.randint(0, span))

    def stamp(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), UTC) + timedelta(
            seconds=self.rng.randint(1 * 3600, 10 * 3600)  # 09:00-18:00 in Beijing
        )

    # -- enterprises -----------------------------------------------------------------------

    def name_and_industry(
        self, kind: str, district: dict[str, Any], street: str
    ) -> tuple[str, str, str, str]:
        """(name, initials, division, entity_type for the USCC)."""
        rng, v = self.rng, self.v
        base = {
            "city": v.city["name_zh"],
            "district": district["name_zh"],
            "street_short": _street_short(street),
            "trade": rng.choice(v.trades),
        }
        if kind == "rural":
            word = v.rural_words.pick(rng)
            name, letters = _fill(v.rural_patterns.pick(rng), {**base, "word": word["word"]}, v)
            return name, letters, word["division"], "93"
        if kind == "individual":
            section = v.ind_sections.pick(rng)
            word = v.ind_words[section].pick(rng)
            form = rng.choice(word["forms"])
            name, letters = _fill(
                v.ind_patterns.pick(rng), {**base, "word": word["word"], "form": form}, v
            )
            return name, letters, word["division"], "92"
        section = v.ent_sections.pick(rng)
        clusters = [c for c in district.get("clusters", []) if c["street"] == street]
        if clusters and rng.random() < 0.5:
            cluster = rng.choice(clusters)
            word = {"word": rng.choice(cluster["words"]), "division": cluster["division"]}
        else:
            word = v.ent_words[section].pick(rng)
        name, letters = _fill(
            v.ent_patterns.pick(rng),
            {**base, "industry": word["word"], "suffix": v.ent_suffix.pick(rng)},
            v,
        )
        return name, letters, word["division"], "91"

    def uscc(self, entity_type: str, division: str) -> str:
        # The chunk number leads the organisation code, so chunks never draw the same code.
        lead = ALPHABET[self.chunk % 31] + ALPHABET[(self.chunk // 31) % 31]
        while True:
            org = (
                lead
                + "".join(self.rng.choice(ALPHABET) for _ in range(6))
                + self.rng.choice("0123456789")
            )
            code = make_uscc(entity_type[0], entity_type[1], division, org).value
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def address(self, district: dict[str, Any], street: str) -> str:
        rng, v = self.rng, self.v
        pattern = v.addr_patterns.pick(rng)
        text = pattern.format(
            road=rng.choice(district["roads"]),
            number=rng.randint(*v.number_range),
            building=rng.choice(v.buildings),
            floor=rng.randint(*v.floor_range),
            village=rng.choice(v.villages),
            area=rng.choice(v.areas),
        )
        return f"{v.city['province_zh']}{v.city['name_zh']}{district['name_zh']}{street}{text}"


def build_demo(
    path: Path,
    *,
    prospects: int = 2000,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    replace: bool = False,
) -> DemoSummary:
    """Create the demo database at ``path`` (replacing it when ``replace``)."""
    started = time.perf_counter()
    path = Path(path)
    if replace:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db, _ = open_database(path, create=True)
    # The book's today is the RM's, in Shanghai (the app's default zone), not the machine's.
    day = today or datetime.now(ZoneInfo(DEFAULT_ZONE)).date()
    b = _Builder(seed, day)
    folder = tempfile.mkdtemp(prefix=".demo-", dir=path.parent)
    try:
        with db.engine.connect() as conn:
            # A demo build may lose everything on a crash (it is rebuilt); random UUID keys
            # touch pages all over the B-trees, so a large cache saves most of the I/O.
            raw: Any = conn.connection.driver_connection
            raw.execute("PRAGMA synchronous = OFF")
            # Rows are consistent by construction; checking each foreign key costs a lookup.
            raw.execute("PRAGMA foreign_keys = OFF")
            # Pages go straight to the file, not once to the WAL and again at checkpoint.
            raw.execute("PRAGMA journal_mode = OFF")
            raw.execute("PRAGMA cache_size = -262144")
            conn.begin()
            # Building secondary indexes once, after the load, is several times cheaper
            # than updating them row by row.
            indexes = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).all()
            for name, _ in indexes:
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
            users, rms, signed_in = _people(conn, b)
            _bulk(
                conn,
                District,
                [
                    {"code": d["code"], "name": d["name_zh"], "name_en": d["name_en"]}
                    for d in b.v.districts
                ],
            )
            # Cadence rules and checklist templates as head office ships them.
            seeds = visit_rules.seed_rows()
            _bulk(conn, CadenceRule, seeds["cadence_rules"])
            _bulk(conn, ChecklistArea, seeds["checklist_areas"])
            _bulk(conn, ChecklistItem, seeds["checklist_items"])
            _bulk(conn, AppMeta, seeds["app_meta"])
            spill = _Spill(folder)
            jobs = [
                (seed, k, min(BATCH, prospects - start), day, rms, spill)
                for k, start in enumerate(range(0, prospects, BATCH))
            ]
            taken: set[str] = set()
            next_rowid, done, loans, visits = 1, 0, 0, 0
            for chunk in _chunks(jobs):
                next_rowid = _store(conn, chunk, taken, next_rowid)
                _unspill(conn, raw, chunk)
                done += len(chunk.index)
                loans += chunk.loans
                visits += chunk.visits
                if progress:
                    progress(done, prospects)
            _bulk(
                conn,
                AppMeta,
                [
                    {"key": CURRENT_USER_KEY, "value": signed_in[0]},
                    {"key": DEVICE_KEY, "value": _uuid7(b.rng, b.now)},
                ],
            )
            for _, sql in indexes:
                conn.exec_driver_sql(sql)
            conn.commit()
            raw.execute("PRAGMA journal_mode = WAL")
            raw.execute("PRAGMA foreign_keys = ON")
        with db.engine.connect() as conn:
            # Statistics let the planner pick the right index for each filter from the start;
            # sampling (as PRAGMA optimize does) is enough and skips reading every index.
            conn.exec_driver_sql("PRAGMA analysis_limit = 2000")
            conn.exec_driver_sql("ANALYZE")
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)
    return DemoSummary(
        path=str(path),
        prospects=prospects,
        users=users,
        teams=len(TEAMS),
        loans=loans,
        signed_in=signed_in[1],
        seconds=time.perf_counter() - started,
        visits=visits,
    )


_Job = tuple[int, int, int, date, list[tuple[str, str]], "_Spill"]


def _chunks(jobs: list[_Job]) -> Iterator[_Chunk]:
    """Chunks in order; drawn by worker processes while this one writes, when it pays."""
    workers = min(len(jobs), os.cpu_count() or 1, 4)
    if workers < 2:
        yield from map(_chunk_job, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # A bounded window keeps memory flat when drawing outpaces writing.
        window = workers * 2
        pending = [pool.submit(_chunk_job, job) for job in jobs[:window]]
        for index in range(len(jobs)):
            chunk = pending.pop(0).result()
            if index + window < len(jobs):
                pending.append(pool.submit(_chunk_job, jobs[index + window]))
            yield chunk


def _people(conn: Any, b: _Builder) -> tuple[int, list[tuple[str, str]], tuple[str, str]]:
    """Three teams with a lead and six RMs each, and a branch administrator."""
    created = b.now - timedelta(days=900)
    users: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    rms: list[tuple[str, str]] = []  # (user id, team id)
    signed_in: tuple[str, str] | None = None
    taken: set[str] = set()

    def username(name_initials: str) -> str:
        base = name_initials or "user"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}{n}"
        taken.add(candidate)
        return candidate

    for team_name, branch in TEAMS:
        team_id = _uuid7(b.rng, created)
        teams.append({"id": team_id, "name": team_name, "branch": branch, "created_at": created})
        for index in range(7):
            name, letters = b.person()
            uid = _uuid7(b.rng, created)
            role = "lead" if index == 0 else "rm"
            users.append(
                {
                    "id": uid,
                    "username": username(letters),
                    "display_name": name,
                    "role": role,
                    "team_id": team_id,
                    "phone": b.mobile(),
                    "active": True,
                    "created_at": created,
                }
            )
            if role == "rm":
                rms.append((uid, team_id))
            elif signed_in is None:
                signed_in = (uid, f"{name} ({users[-1]['username']})")
    name, _ = b.person()
    users.append(
        {
            "id": _uuid7(b.rng, created),
            "username": "admin",
            "display_name": name,
            "role": "admin",
            "team_id": None,
            "phone": b.mobile(),
            "active": True,
            "created_at": created,
        }
    )
    _bulk(conn, Team, teams)
    _bulk(conn, User, users)
    assert signed_in is not None
    return len(users), rms, signed_in


@dataclass
class _Chunk:
    """One chunk of generated rows, converted for the driver in the worker that drew it."""

    # (table, columns, rows as tuples), prospects first
    tables: list[tuple[str, list[str], list[tuple[Any, ...]]]]
    # (prospect id, index body, indexed fields, pinyin initials of name and owner)
    index: list[tuple[str, str, tuple[str | None, ...], tuple[str, str]]]
    loans: int
    visits: int = 0
    # The file holding this chunk's spilled rows, once the worker has written it.
    spill: str | None = None


def _table(model: Any, rows: list[dict[str, Any]]) -> tuple[str, list[str], list[tuple[Any, ...]]]:
    columns = list(rows[0]) if rows else []
    # Only day and timestamp columns need converting; looking at every value costs seconds.
    temporal = [
        i
        for i, name in enumerate(columns)
        if isinstance(model.__table__.c[name].type, Date | UTCDateTime)
    ]
    result: list[tuple[Any, ...]] = []
    for r in rows:
        values = [r[c] for c in columns]
        for i in temporal:
            value = values[i]
            if value is not None:
                values[i] = _db_value(value)
        result.append(tuple(values))
    return model.__tablename__, columns, result


def _chunk_job(job: _Job) -> _Chunk:
    seed, chunk, count, today, rms, spill = job
    drawn = _generate(_Builder(seed, today, chunk), count, rms)
    _write_spill(drawn, spill, chunk)
    return drawn


# Visit rows are many and wide: binding 300,000 of them in the writer costs more than the
# rest of the book. The worker that drew them writes them into a file of its own (in
# parallel with the others), and the writer copies them over inside SQLite.
SPILLED = ("visits", "checklist_ticks")


@dataclass(frozen=True)
class _Spill:
    folder: str


def _write_spill(chunk: _Chunk, spill: _Spill, number: int) -> None:
    rows = {table: (cols, data) for table, cols, data in chunk.tables if table in SPILLED}
    if not any(data for _, data in rows.values()):
        return
    target = Path(spill.folder) / f"chunk-{number:05d}.db"
    target.unlink(missing_ok=True)
    conn = raw_connect(target)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for table, (cols, data) in rows.items():
            # Untyped columns and no constraints: the copy into the real table types and
            # checks every value; binding here costs half as much without them.
            conn.execute(f"CREATE TABLE {table} ({', '.join(cols)})")
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                data,
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    chunk.tables = [(t, cols, [] if t in SPILLED else data) for t, cols, data in chunk.tables]
    chunk.spill = str(target)


def _unspill(conn: Any, raw: Any, chunk: _Chunk) -> None:
    """Copy a chunk's spilled rows in (ATTACH needs the transaction closed)."""
    if chunk.spill is None:
        return
    conn.commit()
    raw.execute("ATTACH DATABASE ? AS spill", (chunk.spill,))
    try:
        for table in SPILLED:
            columns = ", ".join(VISIT_COLUMNS if table == "visits" else TICK_COLUMNS)
            conn.exec_driver_sql(
                f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM spill.{table}"
            )
        conn.commit()
    finally:
        raw.execute("DETACH DATABASE spill")
    Path(chunk.spill).unlink(missing_ok=True)


def _generate(b: _Builder, count: int, rms: list[tuple[str, str]]) -> _Chunk:
    rng, v, today = b.rng, b.v, b.today
    drawer = VisitDrawer(b.seed, b.chunk, today, _uuid7_ms)
    visit_rows: list[tuple[Any, ...]] = []
    tick_rows: list[tuple[Any, ...]] = []
    rows: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    assigns: list[dict[str, Any]] = []
    loans: list[dict[str, Any]] = []
    index_rows: list[tuple[str, tuple[str | None, ...], tuple[str, str]]] = []
    for _ in range(count):
        roll = rng.random()
        kind = "rural" if roll < 0.04 else "individual" if roll < 0.30 else "enterprise"
        district = v.district_pick.pick(rng)
        street = rng.choice(district["streets"])
        name, name_letters, division, entity = b.name_and_industry(kind, district, street)
        owner, owner_letters = b.person()
        stage = b.stage_pick.pick(rng)
        # A customer's first loan comes after it entered the pool, which comes after it was
        # registered; strategic clients have been customers for over a year.
        first_day: date | None = None
        if stage in ("first_loan", "strategic"):
            months_back = rng.randint(13, 28) if stage == "strategic" else rng.randint(0, 11)
            first_day = today - timedelta(days=31 * months_back + rng.randint(1, 25))
        latest_entry = (first_day or today) - timedelta(days=3 if first_day is None else 20)
        years = 6 if kind == "individual" else 15
        established = b.when(
            latest_entry - timedelta(days=365 * years), latest_entry - timedelta(days=30)
        )
        created_day = b.when(max(established, latest_entry - timedelta(days=900)), latest_entry)
        created = b.stamp(created_day)
        pid = _uuid7(rng, created)
        rm = rms[rng.randrange(len(rms))][0] if rng.random() > 0.03 else None
        capital = None
        if kind != "individual":
            capital = int(rng.lognormvariate(5.5, 1.1)) * 10_000 * 100
            capital = max(min(capital, 100_000_000 * 100), 100_000 * 100)
        # -- stage history and loans, consistent with the gates -----------------------------
        stage_day = created_day
        history: list[tuple[str | None, str, str, str, datetime]] = [
            (None, "no_loan", "", "", created)
        ]
        if first_day is not None:
            n_loans = rng.randint(2, 3) if stage == "strategic" else 1
            day = first_day
            for i in range(n_loans):
                amount = rng.choice((30, 50, 80, 100, 150, 200, 300)) * 10_000 * 100
                if stage == "strategic" and i == 0:
                    amount = max(amount, 1_000_000 * 100)
                term = rng.choice((12, 12, 24, 36))
                maturity = day + timedelta(days=term * 30)
                loans.append(
                    {
                        "id": _uuid7(rng, b.stamp(day)),
                        "prospect_id": pid,
                        "product_code": rng.choice(
                            ("basic_credit", "trade_quick", "tech_first", "livelihood")
                        ),
                        "amount_fen": amount,
                        "rate_bp": rng.choice((300, 320, 345, 365, 385, 420)),
                        "start_date": day,
                        "maturity_date": maturity,
                        "status": "active" if maturity >= today else "repaid",
                        "created_at": b.stamp(day),
                    }
                )
                day = min(day + timedelta(days=rng.randint(60, 200)), today)
            stage_day = first_day
            history.append(("no_loan", "first_loan", "", "首笔贷款已发放", b.stamp(first_day)))
            if stage == "strategic":
                stage_day = min(
                    add_months(first_day, 12) + timedelta(days=rng.randint(0, 60)), today
                )
                history.append(
                    ("first_loan", "strategic", "", "综合服务方案已签署", b.stamp(stage_day))
                )
        elif stage == "dropped":
            reason = b.drop_pick.pick(rng)
            stage_day = b.when(created_day, today)
            history.append(("no_loan", "dropped", reason, DROP_TEXT[reason], b.stamp(stage_day)))
        for from_stage, to_stage, code, why, at in history:
            events.append(
                {
                    "id": _uuid7(rng, at),
                    "prospect_id": pid,
                    "from_stage": from_stage,
                    "to_stage": to_stage,
                    "reason_code": code,
                    "reason_text": why,
                    "changed_by": rm,
                    "changed_at": at,
                }
            )
        # -- contact rhythm: most are recent, some are overdue -------------------------------
        roll = rng.random()
        if roll < 0.08:
            last_contact = None
        elif roll < 0.25:
            last_contact = b.when(today - timedelta(days=180), today - timedelta(days=61))
        else:
            last_contact = b.when(max(created_day, today - timedelta(days=60)), today)
        if last_contact is not None and last_contact < created_day:
            last_contact = created_day
        phone = b.phone()
        notes = rng.choice(NOTES)
        uscc = b.uscc(entity, district["code"]) if rng.random() > 0.02 else None
        address = b.address(district, street)
        # -- visits: history, plans and drafts, consistent with the last contact --------------
        drawn = drawer.draw(
            pid,
            stage,
            rm,
            created_day,
            stage_day,
            first_day,
            last_contact,
            address,
            f"{'经营者' if kind == 'individual' else '法定代表人'}{owner}",
        )
        last_contact = drawn.last_contact
        visit_rows.extend(drawn.visits)
        tick_rows.extend(drawn.ticks)
        rows.append(
            {
                "id": pid,
                "uscc": uscc,
                "name": name,
                "name_key": normalise_name(name),
                "kind": "individual" if kind == "individual" else "enterprise",
                "owner_name": owner,
                "phone": phone,
                "address": address,
                "district_code": district["code"],
                "street": street,
                "industry_code": division,
                "registered_capital_fen": capital,
                "established_on": established,
                "stage": stage,
                "stage_changed_at": b.stamp(stage_day),
                "assigned_rm_id": rm,
                "notes": notes,
                "last_contact_on": last_contact,
                "next_visit_due": drawn.next_visit_due,
                "created_at": created,
                "updated_at": max(created, b.stamp(last_contact or created_day)),
                "edited_fields": "",
                "search_rowid": None,  # numbered by the writer, which sees every chunk
                "version": 1 + len(history),
            }
        )
        if rm is not None:
            assigns.append(
                {
                    "id": _uuid7(rng, created),
                    "prospect_id": pid,
                    "from_user_id": None,
                    "to_user_id": rm,
                    "assigned_by": None,
                    "assigned_at": created,
                    "note": "",
                }
            )
        # -- sources, with overlaps ----------------------------------------------------------
        codes = {
            b.source_pick.pick(rng) for _ in range(1 + (rng.random() < 0.35) + (rng.random() < 0.1))
        }
        if kind == "rural":
            codes.add("rural")
        for code in sorted(codes):
            members.append(
                {
                    "id": _uuid7(rng, created),
                    "prospect_id": pid,
                    "source_code": code,
                    "added_at": created,
                    "external_ref": "",
                }
            )
        # -- tags ----------------------------------------------------------------------------
        chosen: set[str] = set()
        if division in {"63", "64", "65", "73", "75"} or rng.random() < 0.05:
            chosen.add("tech")
        if kind == "rural" or division in {"01", "02", "03", "04", "05"}:
            chosen.add(
                "rural_revitalisation"
                if "rural_revitalisation" in b.tag_codes
                else rng.choice(b.tag_codes)
            )
        if rng.random() < 0.12:
            chosen.add(rng.choice(b.tag_codes))
        tags.extend({"prospect_id": pid, "tag_code": t} for t in sorted(chosen) if t in b.tag_codes)
        # -- people at the business ----------------------------------------------------------
        contacts.append(
            {
                "id": _uuid7(rng, created),
                "prospect_id": pid,
                "name": owner,
                "title": "经营者" if kind == "individual" else "法定代表人",
                "phone": phone if phone.startswith("1") else b.mobile(),
                "is_primary": True,
                "notes": "",
                "created_at": created,
            }
        )
        if kind != "individual" and rng.random() < 0.6:
            other, _ = b.person()
            contacts.append(
                {
                    "id": _uuid7(rng, created),
                    "prospect_id": pid,
                    "name": other,
                    "title": v.roles.pick(rng),
                    "phone": b.mobile(),
                    "is_primary": False,
                    "notes": "",
                    "created_at": created,
                }
            )
        index_rows.append(
            (pid, (name, owner, address, street, notes, uscc, phone), (name_letters, owner_letters))
        )
    tables = [
        _table(Prospect, rows),
        _table(StageEvent, events),
        _table(Assignment, assigns),
        _table(SourceMembership, members),
        _table(ProspectTag, tags),
        _table(Contact, contacts),
        _table(Loan, loans),
        ("visits", list(VISIT_COLUMNS), visit_rows),
        ("checklist_ticks", list(TICK_COLUMNS), tick_rows),
    ]
    index = [
        (pid, search.search_body(fields, letters), fields, letters)
        for pid, fields, letters in index_rows
    ]
    return _Chunk(tables, index, len(loans), len(visit_rows))


def _rename(name: str, taken: set[str]) -> str:
    """Registration authorities refuse a second firm of the same name; a number tells
    them apart as people do (佛山市鸿运五金（2号）有限公司)."""
    for n in range(2, 1000):
        for marker in (
            "有限责任公司",
            "股份有限公司",
            "有限公司",
            "经营部",
            "商行",
            "合作社",
            "农场",
            "店",
        ):
            if name.endswith(marker):
                candidate = f"{name[: -len(marker)]}（{n}号）{marker}"
                break
        else:
            candidate = f"{name}（{n}号）"
        if candidate not in taken:
            return candidate
    raise RuntimeError("name space exhausted")  # pragma: no cover


def _store(conn: Any, chunk: _Chunk, taken: set[str], next_rowid: int) -> int:
    """Write a chunk (names made unique across chunks); returns the next index rowid."""
    _, columns, prospects = chunk.tables[0]
    at_name, at_key = columns.index("name"), columns.index("name_key")
    at_rowid = columns.index("search_rowid")
    bodies: list[tuple[int, str]] = []
    for i, (_, body, fields, letters) in enumerate(chunk.index):
        row = prospects[i]
        name = row[at_name]
        rowid = next_rowid + i
        if name in taken:
            name = _rename(name, taken)
            changed = list(row)
            changed[at_name], changed[at_key] = name, normalise_name(name)
            row = tuple(changed)
            # The initials of the base name still find it (the number is its own token).
            body = search.search_body((name, *fields[1:]), letters)
        taken.add(name)
        prospects[i] = (*row[:at_rowid], rowid, *row[at_rowid + 1 :])
        bodies.append((rowid, body))
    for table, cols, rows in chunk.tables:
        if rows:
            conn.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                rows,
            )
    search.bulk_insert(conn, bodies)
    return next_rowid + len(bodies)
