"""A realistic, deterministic demo book for one prefecture city (Foshan).

Everything is drawn from the vocabularies in resources/demo with generators seeded by the
seed and the chunk of 5,000 prospects, so the same seed on the same day gives the same
database, ids included. Chunks are drawn in worker processes, each into a file of its own,
and copied into the book inside SQLite; the search index is filled from pinyin initials
computed once per vocabulary word. 100,000 prospects with their 300,000 visits must take
well under 30 s.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import sys
import tempfile
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from crm import resources
from crm.demo import plans
from crm.demo.products import FACT_COLUMNS, HELD_COLUMNS, ProductDrawer
from crm.demo.visits import CLOCK, TICK_COLUMNS, VISIT_COLUMNS, VisitDrawer
from crm.domain.clock import utcnow
from crm.domain.ids import uuid7_text
from crm.domain.importing import PlainInitials, initials, plain_initials
from crm.domain.search_text import fields_text
from crm.domain.stages import add_months
from crm.domain.text import normalise_name
from crm.domain.uscc import ALPHABET, check_character
from crm.services import book_lock, visit_rules
from crm.services.context import DEFAULT_ZONE
from crm.services.outbox import DEVICE_KEY
from crm.services.users import CURRENT_USER_KEY
from crm.store import bulk_load, keys
from crm.store.errors import StoreError
from crm.store.keys import BookKey
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
from crm.store.prospect_writer import COLUMNS, EVENT_COLUMNS, MEMBER_COLUMNS, TAG_COLUMNS

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


def _uuid7(rng: random.Random, when: datetime) -> str:
    """A UUIDv7 whose random bits come from the seeded generator, so reruns give equal ids."""
    return _uuid7_ms(rng, int(when.timestamp() * 1000))


def _uuid7_ms(rng: random.Random, millis: int) -> str:
    """``_uuid7`` for a moment given in epoch milliseconds."""
    return uuid7_text(millis, rng.getrandbits(74))


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
        self._plain: PlainInitials | None = None
        self._clusters: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._pieces: dict[str, list[str]] = {}

    def clusters(self, district: dict[str, Any], street: str) -> list[dict[str, Any]]:
        """The district's industry clusters on this street."""
        key = (district["code"], street)
        found = self._clusters.get(key)
        if found is None:
            found = self._clusters[key] = [
                c for c in district.get("clusters", []) if c["street"] == street
            ]
        return found

    def pieces(self, pattern: str) -> list[str]:
        """A name pattern split into literal, key, literal, key, ..."""
        found = self._pieces.get(pattern)
        if found is None:
            found = self._pieces[pattern] = _PLACEHOLDER.split(pattern)
        return found

    def initials(self, word: str) -> str:
        cached = self._initials.get(word)
        if cached is None:
            cached = self._initials[word] = initials(word)
        return cached

    def name_initials(self, name: str) -> str:
        """The initials every writer indexes for a whole name (a phrase can change a
        character's reading, so pieces' initials put together may differ): from the small
        tables where they answer, else the whole phrase match."""
        if self._plain is None:
            self._plain = _plain_initials()
        found = self._plain(name)
        return initials(name) if found is None else found


@cache
def _plain_initials() -> PlainInitials:
    # Made once per worker process, not once per chunk: building the tables reads
    # pypinyin's dictionaries.
    return plain_initials()


def _street_short(street: str) -> str:
    for suffix in ("镇街道", "街道", "镇"):
        if street.endswith(suffix):
            return street[: -len(suffix)]
    return street


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _fill(pattern: str, parts: dict[str, str], vocab: _Vocab) -> tuple[str, str]:
    """The name from a pattern, and its pinyin initials built from cached pieces."""
    name: list[str] = []
    letters: list[str] = []
    for i, piece in enumerate(vocab.pieces(pattern)):
        value = parts[piece] if i % 2 else piece
        name.append(value)
        letters.append(vocab.initials(value) if value else "")
    return "".join(name), "".join(letters)


class _Builder:
    """Draws one chunk of the book; each chunk has its own generator seeded by (seed, chunk)
    so chunks can be drawn in parallel processes and still give the same database.

    Draws use ``random()`` scaled to a range rather than ``choice``/``randint`` (far
    cheaper a draw), and days and timestamps are kept as the text SQLite stores, each day's
    text computed once: per-row ``datetime`` objects add up over a 100,000-prospect book.
    """

    def __init__(self, seed: int, today: date, chunk: int | str = "people") -> None:
        self.rng = random.Random(f"{seed}:{chunk}")
        self.random = self.rng.random
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
        self._iso: dict[date, str] = {}
        self._ms: dict[date, int] = {}

    # -- people ---------------------------------------------------------------------------

    def person(self) -> tuple[str, str]:
        random, v = self.random, self.v
        surname = v.surnames.pick(self.rng)
        given = "".join([_one(random, v.given) for _ in range(v.given_len.pick(self.rng))])
        initials = v.initials
        return surname + given, initials(surname) + "".join([initials(c) for c in given])

    def mobile(self) -> str:
        prefix: str = _one(self.random, self.v.mobile)
        return prefix + f"{int(self.random() * 10**8):08d}"

    def phone(self) -> str:
        if self.random() < 0.2:
            return f"{self.v.city['phone_area_code']}-8{int(self.random() * 10**7):07d}"
        return self.mobile()

    def when(self, start: date, end: date) -> date:
        span = max((end - start).days, 0)
        return start + timedelta(days=int(self.random() * (span + 1)))

    def day(self, day: date) -> str:
        """The day as stored (ISO text)."""
        text = self._iso.get(day)
        if text is None:
            text = self._iso[day] = day.isoformat()
            self._ms[day] = (day.toordinal() - _EPOCH_ORDINAL) * 86_400_000
        return text

    def stamp(self, day: date) -> tuple[str, int]:
        """A time during office hours on ``day`` as stored, and its epoch milliseconds."""
        text = self.day(day)
        seconds = 3600 + int(self.random() * 32401)  # 09:00-18:00 in Beijing
        return f"{text}T{CLOCK[seconds]}.000000+00:00", self._ms[day] + seconds * 1000

    # -- enterprises -----------------------------------------------------------------------

    def name_and_industry(
        self, kind: str, district: dict[str, Any], street: str
    ) -> tuple[str, str, str, str]:
        """(name, initials, division, entity_type for the USCC)."""
        rng, random, v = self.rng, self.random, self.v
        base = {
            "city": v.city["name_zh"],
            "district": district["name_zh"],
            "street_short": _street_short(street),
            "trade": _one(random, v.trades),
        }
        if kind == "rural":
            word = v.rural_words.pick(rng)
            name, letters = _fill(v.rural_patterns.pick(rng), {**base, "word": word["word"]}, v)
            return name, letters, word["division"], "93"
        if kind == "individual":
            section = v.ind_sections.pick(rng)
            word = v.ind_words[section].pick(rng)
            form = _one(random, word["forms"])
            name, letters = _fill(
                v.ind_patterns.pick(rng), {**base, "word": word["word"], "form": form}, v
            )
            return name, letters, word["division"], "92"
        section = v.ent_sections.pick(rng)
        clusters = v.clusters(district, street)
        if clusters and random() < 0.5:
            cluster = _one(random, clusters)
            word = {"word": _one(random, cluster["words"]), "division": cluster["division"]}
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
        random = self.random
        while True:
            org = (
                lead
                + "".join([ALPHABET[int(random() * 31)] for _ in range(6)])
                + str(int(random() * 10))
            )
            first17 = entity_type + division + org
            code = first17 + check_character(first17)
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def address(self, district: dict[str, Any], street: str) -> str:
        random, v = self.random, self.v
        pattern = v.addr_patterns.pick(self.rng)
        low, high = v.number_range
        floor_low, floor_high = v.floor_range
        text = pattern.format(
            road=_one(random, district["roads"]),
            number=low + int(random() * (high - low + 1)),
            building=_one(random, v.buildings),
            floor=floor_low + int(random() * (floor_high - floor_low + 1)),
            village=_one(random, v.villages),
            area=_one(random, v.areas),
        )
        return f"{v.city['province_zh']}{v.city['name_zh']}{district['name_zh']}{street}{text}"


def _one(random: Callable[[], float], items: Sequence[T]) -> T:
    return items[int(random() * len(items))]


def build_demo(
    path: Path,
    *,
    prospects: int = 2000,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    replace: bool = False,
    encrypted: bool = False,
) -> DemoSummary:
    """Create the demo database at ``path`` (replacing it when ``replace``).

    ``encrypted`` (``crm demo``'s default): the book is encrypted, its key kept in the
    keyring (or, where none works, the app's private key file: ``crm book status`` says
    which), so it opens as a plain one does; a chunk's rows spilled to disk while it
    builds are encrypted too.

    The book is built in a file beside ``path`` and renamed into place only when complete:
    a build that fails or is killed leaves ``path`` as it was (what a killed one leaves
    beside it is removed by the next build), and its worker processes end with it.
    """
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(path.parent)
    if path.exists() and not replace:
        raise FileExistsError(path)
    building = _building(path)
    book_key: BookKey | None = None
    if encrypted:
        book_lock.new_keyring_book(building)
        book_key = keys.key_for(building)
    db, _ = open_database(building, create=True)
    # The book's today is the RM's, in Shanghai (the app's default zone), not the machine's.
    day = today or utcnow().astimezone(ZoneInfo(DEFAULT_ZONE)).date()
    b = _Builder(seed, day)
    folder = tempfile.mkdtemp(prefix=f"{_DEMO_TEMP}{os.getpid()}-", dir=path.parent)
    built = False
    try:
        with bulk_load.loading(db) as (conn, raw):
            users, rms, signed_in = _people(conn, b)
            bulk_load.insert_rows(
                conn,
                District.__tablename__,
                [
                    {"code": d["code"], "name": d["name_zh"], "name_en": d["name_en"]}
                    for d in b.v.districts
                ],
            )
            # Cadence rules and checklist templates as head office ships them.
            seeds = visit_rules.seed_rows()
            for model, key in (
                (CadenceRule, "cadence_rules"),
                (ChecklistArea, "checklist_areas"),
                (ChecklistItem, "checklist_items"),
                (AppMeta, "app_meta"),
            ):
                bulk_load.insert_rows(conn, model.__tablename__, seeds[key])
            jobs = [
                _Job(seed, k, min(BATCH, prospects - start), day, rms, folder, book_key)
                for k, start in enumerate(range(0, prospects, BATCH))
            ]
            taken: set[str] = set()
            done, loans, visits = 0, 0, 0
            for chunk in _chunks(jobs):
                renames = _renames(chunk, taken)
                bulk_load.copy_spill(conn, raw, chunk.spill, _TABLES, renames, book_key)
                done += len(chunk.names)
                loans += chunk.loans
                visits += chunk.visits
                if progress:
                    progress(done, prospects)
            bulk_load.insert_rows(
                conn,
                AppMeta.__tablename__,
                [
                    {"key": CURRENT_USER_KEY, "value": signed_in[0]},
                    {"key": DEVICE_KEY, "value": _uuid7(b.rng, b.now)},
                ],
            )
        plans.give_plans(db, day, seed)
        built = True
    except Exception as exc:
        known = _known_failure(exc, path)
        if known is None:
            raise
        raise known from exc  # a full disk, a locked or read-only folder: said plainly
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)
        if not built:
            _discard(building)
    _put_in_place(building, path)
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


# Beside the target while a build runs: the book being built and the chunks' spill folder,
# each named with the building process's id, so the next build can tell a killed one's.
_BUILDING = ".building-"
_DEMO_TEMP = ".demo-"
_STALE_NAME = re.compile(r"^(?:\..+\.building-|\.demo-)(\d+)(?:-.*|\.keys)?$")


def _building(path: Path) -> Path:
    return path.with_name(f".{path.name}{_BUILDING}{os.getpid()}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # not told apart here: left for the user
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _remove_stale_builds(folder: Path) -> None:
    """Remove what builds killed part-way left in `folder` (their process is gone)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        found = _STALE_NAME.match(entry.name)
        if found is None or _alive(int(found.group(1))):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.endswith(keys.KEYS_SUFFIX):
            # A killed encrypted build's key file: its key, kept aside, goes with it.
            with contextlib.suppress(StoreError, OSError):
                book_lock.forget_key_file(entry.with_name(entry.name[: -len(keys.KEYS_SUFFIX)]))
            entry.unlink(missing_ok=True)
        else:
            entry.unlink(missing_ok=True)


def _known_failure(exc: BaseException, path: Path) -> Exception | None:
    """The store's message for a failure of SQLite a person can act on, else None."""
    from crm.store.engine import classify

    cause = getattr(exc, "orig", None) or exc
    if type(cause).__module__.split(".")[0] not in ("sqlcipher3", "sqlite3"):
        return None
    return classify(cause, str(path))


def _discard(building: Path) -> None:
    book_lock.forget_key_file(building)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)


def _put_in_place(building: Path, path: Path) -> None:
    """Rename the finished book over `path`. Its log was emptied and removed on close; the
    old book's -wal and -shm go first, or SQLite would apply them to the new one."""
    wal = Path(f"{building}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        _discard(building)
        raise RuntimeError(f"the demo book's write-ahead log was not emptied: {wal}")
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    # The key file goes with the book (a plain book replacing an encrypted one: the old
    # key file and the old key go); the key file first, so no instant shows the new book
    # without it.
    replaced = keys.read_key_file(path) if keys.has_key_file(path) else None
    if keys.has_key_file(building):
        os.replace(keys.keys_path(building), keys.keys_path(path))
    else:
        keys.keys_path(path).unlink(missing_ok=True)
    os.replace(building, path)
    if replaced is not None:
        keys.forget(replaced.book)
        keys.delete_stored_key(replaced.book)


def _die_with_parent(parent: int) -> None:
    """A worker's initializer: end when the building process ends, even killed (it cannot
    stop its workers then). On Linux the kernel sends the signal; elsewhere a thread
    watches for the parent to go."""
    if os.getppid() != parent:
        return  # started by a fork server, not by the builder itself: it ends them
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
        else:
            if os.getppid() != parent:  # gone before the signal was asked for
                os._exit(1)
            return
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="crm-demo-parent-watch", daemon=True).start()


@dataclass(frozen=True)
class _Job:
    seed: int
    chunk: int
    count: int
    today: date
    rms: list[tuple[str, str]]
    folder: str
    key: BookKey | None  # the book's: the spill is encrypted with it


def _chunks(jobs: list[_Job]) -> Iterator[_Chunk]:
    """Chunks in order; drawn by worker processes while this one writes, when it pays."""
    workers = min(len(jobs), os.cpu_count() or 1, 4)
    if workers < 2:
        yield from map(_chunk_job, jobs)
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        # A bounded window keeps the spilled files few when drawing outpaces writing.
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
    bulk_load.insert_rows(conn, Team.__tablename__, teams)
    bulk_load.insert_rows(conn, User.__tablename__, users)
    assert signed_in is not None
    return len(users), rms, signed_in


# Columns of the rows ``_generate`` draws: the prospect writer's for what it writes, in
# its order.
PROSPECT_COLUMNS = COLUMNS
_EVENT_COLUMNS = EVENT_COLUMNS
_ASSIGN_COLUMNS = (
    "id",
    "prospect_id",
    "from_user_id",
    "to_user_id",
    "assigned_by",
    "assigned_at",
    "note",
)
_MEMBER_COLUMNS = MEMBER_COLUMNS
_TAG_COLUMNS = TAG_COLUMNS
_CONTACT_COLUMNS = (
    "id",
    "prospect_id",
    "name",
    "title",
    "phone",
    "is_primary",
    "notes",
    "created_at",
)
_LOAN_COLUMNS = (
    "id",
    "prospect_id",
    "product_code",
    "amount_fen",
    "rate_bp",
    "start_date",
    "maturity_date",
    "status",
    "created_at",
    "repayment_mode",
    "classification",
    "classified_on",
    "classified_by",
)
# Every table a chunk fills, in the order the writer copies them (prospects first).
_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Prospect.__tablename__, PROSPECT_COLUMNS),
    (StageEvent.__tablename__, _EVENT_COLUMNS),
    (Assignment.__tablename__, _ASSIGN_COLUMNS),
    (SourceMembership.__tablename__, _MEMBER_COLUMNS),
    (ProspectTag.__tablename__, _TAG_COLUMNS),
    (Contact.__tablename__, _CONTACT_COLUMNS),
    (Loan.__tablename__, _LOAN_COLUMNS),
    ("visits", VISIT_COLUMNS),
    ("checklist_ticks", TICK_COLUMNS),
    ("prospect_facts", FACT_COLUMNS),
    ("held_services", HELD_COLUMNS),
)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass
class _Chunk:
    """What the writer needs of a drawn chunk; its rows wait in the ``spill`` file.

    Binding a million rows' values is most of what writing costs, so the worker that drew
    them binds them into a file of its own (in parallel with the other workers), and the
    writer copies them over inside SQLite.
    """

    spill: str
    # Prospect names in row order, so the writer can number names another chunk used.
    names: list[str]
    loans: int
    visits: int


def _chunk_job(job: _Job) -> _Chunk:
    b = _Builder(job.seed, job.today, job.chunk)
    tables, bodies, names = _generate(b, job.count, job.rms, job.chunk * BATCH + 1)
    spill = Path(job.folder) / f"chunk-{job.chunk:05d}.db"
    bulk_load.write_spill(spill, _TABLES, tables, bodies, job.key)
    loans = len(tables[Loan.__tablename__])
    return _Chunk(str(spill), names, loans, len(tables["visits"]))


def _renames(chunk: _Chunk, taken: set[str]) -> list[tuple[int, str, str]]:
    """The chunk's prospects whose names earlier chunks took: (rowid in the chunk, old
    name, new name)."""
    renamed: list[tuple[int, str, str]] = []
    for i, name in enumerate(chunk.names):
        if name in taken:
            new = _rename(name, taken)
            renamed.append((i + 1, name, new))
            name = new
        taken.add(name)
    return renamed


class _Bodies:
    """Search index bodies exactly as ``search.search_body`` builds them (a test holds the
    two equal), at a fraction of the cost: bigrams are paired by ``map`` rather than
    sliced one by one, and the fields that repeat (streets, notes, owners' names and
    initials) are tokenised once."""

    def __init__(self) -> None:
        self._parts: dict[str, str] = {}

    def part(self, value: str | None) -> str:
        if not value:
            return ""
        text = self._parts.get(value)
        if text is None:
            text = self._parts[value] = _tokens(value)
        return text

    def body(self, fields: tuple[str | None, ...], letters: tuple[str, str]) -> str:
        part = self.part
        name, owner, address, street, notes, uscc, phone = fields
        pieces = (
            _tokens(name),
            part(owner),
            _tokens(address),
            part(street),
            part(notes),
            _tokens(uscc),
            _tokens(phone),
            part(letters[0]),
            part(letters[1]),
        )
        return " ".join([p for p in pieces if p])


def _tokens(value: str | None) -> str:
    """The search text of one field, by the one builder."""
    return fields_text((value,)) if value else ""


def _generate(
    b: _Builder, count: int, rms: list[tuple[str, str]], first_rowid: int
) -> tuple[dict[str, list[tuple[Any, ...]]], list[tuple[int, str]], list[str]]:
    """A chunk's rows by table, its index bodies by rowid, and its prospects' names."""
    rng, random, v, today = b.rng, b.random, b.v, b.today
    uuid7 = _uuid7_ms
    drawer = VisitDrawer(b.seed, b.chunk, today, _uuid7_ms)
    # Facts, held services and loans that follow the product catalogue.
    offers = ProductDrawer(b.seed, b.chunk, today)
    fact_rows: list[tuple[Any, ...]] = []
    held_rows: list[tuple[Any, ...]] = []
    bodies_of = _Bodies()
    rows: list[tuple[Any, ...]] = []
    visit_rows: list[tuple[Any, ...]] = []
    tick_rows: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    assigns: list[tuple[Any, ...]] = []
    loans: list[tuple[Any, ...]] = []
    bodies: list[tuple[int, str]] = []
    names: list[str] = []
    tag_codes = set(b.tag_codes)
    for n in range(count):
        roll = random()
        kind = "rural" if roll < 0.04 else "individual" if roll < 0.30 else "enterprise"
        district = v.district_pick.pick(rng)
        street = _one(random, district["streets"])
        name, _, division, entity = b.name_and_industry(kind, district, street)
        owner, _ = b.person()
        stage = b.stage_pick.pick(rng)
        # A customer's first loan comes after it entered the pool, which comes after it was
        # registered; strategic clients have been customers for over a year.
        first_day: date | None = None
        if stage in ("first_loan", "strategic"):
            months_back = 13 + int(random() * 16) if stage == "strategic" else int(random() * 12)
            first_day = today - timedelta(days=31 * months_back + 1 + int(random() * 25))
        latest_entry = (first_day or today) - timedelta(days=3 if first_day is None else 20)
        years = 6 if kind == "individual" else 15
        established = b.when(
            latest_entry - timedelta(days=365 * years), latest_entry - timedelta(days=30)
        )
        created_day = b.when(max(established, latest_entry - timedelta(days=900)), latest_entry)
        own_kind = "individual" if kind == "individual" else "enterprise"
        customer = first_day is not None
        facts = offers.facts(own_kind, division, customer=customer, strategic=stage == "strategic")
        offer = (
            offers.offer(facts, own_kind, division, established, stage == "strategic")
            if customer
            else None
        )
        created, created_ms = b.stamp(created_day)
        pid = uuid7(rng, created_ms)
        rm = rms[int(random() * len(rms))][0] if random() > 0.03 else None
        capital = None
        if kind != "individual":
            capital = int(rng.lognormvariate(5.5, 1.1)) * 10_000 * 100
            capital = max(min(capital, 100_000_000 * 100), 100_000 * 100)
        # -- stage history and loans, consistent with the gates -----------------------------
        stage_day = created_day
        history: list[tuple[str | None, str, str, str, tuple[str, int]]] = [
            (None, "no_loan", "", "", (created, created_ms))
        ]
        if first_day is not None:
            n_loans = 2 + (random() < 0.5) if stage == "strategic" else 1
            day = first_day
            assert offer is not None
            for i in range(n_loans):
                # A strategic client's first loan alone meets the gate's total credit.
                least = offers.strategic_total if stage == "strategic" and i == 0 else 0
                amount = offers.amount(offer, least)
                maturity = add_months(day, offers.term(offer))
                at, at_ms = b.stamp(day)
                loan_id = uuid7(rng, at_ms)
                status = "active" if maturity >= today else "repaid"
                grade, graded_on = _grade(loan_id, day, today) if status == "active" else _NORMAL
                if grade in ("doubtful", "loss"):
                    status = "overdue"
                loans.append(
                    (
                        loan_id,
                        pid,
                        offer.product.code,
                        amount,
                        offers.rate(offer),
                        b.day(day),
                        b.day(maturity),
                        status,
                        at,
                        offers.repayment(offer),
                        grade,
                        graded_on,
                        rm if graded_on is not None else None,
                    )
                )
                day = min(day + timedelta(days=60 + int(random() * 141)), today)
            stage_day = first_day
            history.append(("no_loan", "first_loan", "", "首笔贷款已发放", b.stamp(first_day)))
            if stage == "strategic":
                stage_day = min(
                    add_months(first_day, 12) + timedelta(days=int(random() * 61)), today
                )
                history.append(
                    ("first_loan", "strategic", "", "综合服务方案已签署", b.stamp(stage_day))
                )
        elif stage == "dropped":
            reason = b.drop_pick.pick(rng)
            stage_day = b.when(created_day, today)
            history.append(("no_loan", "dropped", reason, DROP_TEXT[reason], b.stamp(stage_day)))
        for from_stage, to_stage, code, why, (at, at_ms) in history:
            events.append((uuid7(rng, at_ms), pid, from_stage, to_stage, code, why, rm, at))
        # -- contact rhythm: most are recent, some are overdue -------------------------------
        roll = random()
        last_contact: date | None
        if roll < 0.08:
            last_contact = None
        elif roll < 0.25:
            last_contact = b.when(today - timedelta(days=180), today - timedelta(days=61))
        else:
            last_contact = b.when(max(created_day, today - timedelta(days=60)), today)
        if last_contact is not None and last_contact < created_day:
            last_contact = created_day
        phone = b.phone()
        notes = _one(random, NOTES)
        uscc = b.uscc(entity, district["code"]) if random() > 0.02 else None
        address = b.address(district, street)
        # -- visits: history, plans and drafts, consistent with the last contact --------------
        title = "经营者" if kind == "individual" else "法定代表人"
        drawn = drawer.draw(
            pid,
            stage,
            rm,
            created_day,
            stage_day,
            first_day,
            last_contact,
            address,
            f"{title}{owner}",
            reason if stage == "dropped" else None,
        )
        last_contact = drawn.last_contact
        visit_rows.extend(drawn.visits)
        tick_rows.extend(drawn.ticks)
        seen, seen_ms = b.stamp(last_contact or created_day)
        rowid = first_rowid + n
        rows.append(
            (
                pid,
                uscc,
                name,
                normalise_name(name),
                "individual" if kind == "individual" else "enterprise",
                owner,
                phone,
                address,
                district["code"],
                street,
                division,
                capital,
                b.day(established),
                stage,
                b.stamp(stage_day)[0],
                rm,
                notes,
                None if last_contact is None else b.day(last_contact),
                None if drawn.next_visit_due is None else b.day(drawn.next_visit_due),
                created,
                seen if seen_ms > created_ms else created,
                "",
                1 + len(history),
                rowid,
            )
        )
        if rm is not None:
            assigns.append((uuid7(rng, created_ms), pid, None, rm, None, created, ""))
        if facts:
            fact_rows.extend(offers.fact_rows(pid, facts, created_day, rm))
        held_rows.extend(
            offers.held_rows(pid, own_kind, division, facts, customer, established, created)
        )
        # -- sources, with overlaps ----------------------------------------------------------
        codes = {b.source_pick.pick(rng) for _ in range(1 + (random() < 0.35) + (random() < 0.1))}
        if kind == "rural":
            codes.add("rural")
        for code in sorted(codes):
            members.append((uuid7(rng, created_ms), pid, code, created, ""))
        # -- tags ----------------------------------------------------------------------------
        chosen: set[str] = set()
        if division in {"63", "64", "65", "73", "75"} or random() < 0.05:
            chosen.add("tech")
        if kind == "rural" or division in {"01", "02", "03", "04", "05"}:
            chosen.add(
                "rural_revitalisation"
                if "rural_revitalisation" in tag_codes
                else _one(random, b.tag_codes)
            )
        if random() < 0.12:
            chosen.add(_one(random, b.tag_codes))
        tags.extend((pid, t) for t in sorted(chosen) if t in tag_codes)
        # -- people at the business ----------------------------------------------------------
        contacts.append(
            (
                uuid7(rng, created_ms),
                pid,
                owner,
                title,
                phone if phone.startswith("1") else b.mobile(),
                1,
                "",
                created,
            )
        )
        if kind != "individual" and random() < 0.6:
            other, _ = b.person()
            contacts.append(
                (uuid7(rng, created_ms), pid, other, v.roles.pick(rng), b.mobile(), 0, "", created)
            )
        fields = (name, owner, address, street, notes, uscc, phone)
        letters = (v.name_initials(name), v.name_initials(owner))
        bodies.append((rowid, bodies_of.body(fields, letters)))
        names.append(name)
    tables = {
        Prospect.__tablename__: rows,
        StageEvent.__tablename__: events,
        Assignment.__tablename__: assigns,
        SourceMembership.__tablename__: members,
        ProspectTag.__tablename__: tags,
        Contact.__tablename__: contacts,
        Loan.__tablename__: loans,
        "visits": visit_rows,
        "checklist_ticks": tick_rows,
        "prospect_facts": fact_rows,
        "held_services": held_rows,
    }
    return tables, bodies, names


_NORMAL: tuple[str, str | None] = ("normal", None)


def _grade(loan_id: str, start: date, today: date) -> tuple[str, str | None]:
    """An outstanding loan's five-category grade and the day it was set: about 1 in 80 is
    non-performing, 1 in 25 special mention, the rest normal. Drawn from the loan id's
    random tail rather than the chunk's stream, so the rest of the book stays as it was."""
    roll = int(loan_id[-6:], 16) % 1000
    if roll >= 50:
        return _NORMAL
    grade = (
        "substandard"
        if roll < 6
        else "doubtful"
        if roll < 10
        else "loss"
        if roll < 12
        else "special_mention"
    )
    span = max((today - start).days, 0)
    return grade, (start + timedelta(days=span * (roll + 50) // 100)).isoformat()


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
