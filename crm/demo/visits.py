"""The demo book's visit history, drawn inside the demo builder's chunk workers.

For each prospect with an RM: finalized visits going back from its last contact at about
its stage's rhythm (site visits, calls, the odd video call), each hashed into the
prospect's chain exactly as the visits service would; checklist items covered by
first-loan and strategic customers; a few amendments and drafts; visits planned ahead
and some planned visits that were never recorded; and the prospect's next visit due.

Three visits a prospect is 300,000 rows for the 100,000-prospect benchmark book, so this
is written for speed: rows are tuples in the column order of ``VISIT_COLUMNS`` with every
value already in its stored form (ISO text for days and times), texts are drawn from
lists formatted once, and random numbers come from ``random()`` and bit draws rather than
``randint``/``choices``. A generator of its own (seeded by seed and chunk) draws
everything here, so the prospects the builder draws do not depend on it.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, combinations
from operator import itemgetter
from typing import Any

from crm import resources
from crm.domain.cadence import CadenceFacts, due_date
from crm.domain.visits import HASHED_FIELDS, chain_hash_values
from crm.services import visit_rules
from crm.store import due_dates

VISIT_COLUMNS = (
    "id",
    "prospect_id",
    "rm_id",
    "status",
    "kind",
    "visit_on",
    "start_time",
    "place",
    "purpose",
    "companions",
    "people_met",
    "operating_state",
    "repayment_source",
    "growth_prospects",
    "need_amount_fen",
    "need_purpose",
    "need_timing",
    "due_diligence",
    "checklist_items",
    "credit_auth",
    "credit_auth_on",
    "next_steps",
    "next_visit_on",
    "amends_id",
    "amend_reason",
    "content_hash",
    "prev_hash",
    "finalized_at",
    "finalized_by",
    "created_at",
    "updated_at",
    "version",
)
TICK_COLUMNS = ("prospect_id", "item_code", "visit_id", "ticked_at", "ticked_by")
_AT = {name: i for i, name in enumerate(VISIT_COLUMNS)}
_hashed = itemgetter(*(_AT[name] for name in HASHED_FIELDS))
(
    _ID, _PID, _RM, _STATUS, _KIND, _ON, _TIME, _PLACE, _PURPOSE, _COMPANIONS, _PEOPLE, _STATE,
    _REPAY, _GROWTH, _AMOUNT, _NEED, _TIMING, _DD, _CHECK, _AUTH, _AUTH_ON, _STEPS, _NEXT,
    _AMENDS, _REASON, _HASH, _PREV, _FINAL_AT, _FINAL_BY, _CREATED, _UPDATED, _VERSION,
) = range(len(VISIT_COLUMNS))  # fmt: skip

# How many finalized visits of history a contacted prospect has (before its creation
# date cuts the history short).
HISTORY_WEIGHTS = {1: 14, 2: 24, 3: 26, 4: 20, 5: 16}
# Share of prospects (with an RM) whose contact rhythm has lapsed.
OVERDUE_SHARE = 0.12
PLANNED_SHARE = 0.38
MISSED_PLAN_SHARE = 0.04
DRAFT_SHARE = 0.02
AMEND_SHARE = 0.015
ONE_DAY = timedelta(days=1)
# Distinct contents of finalized visits drawn per stage (and before/after the first loan).
POOL = 512
# Prospects that entered the pool this recently may not have been contacted yet.
NEW_DAYS = timedelta(days=45)
# "HH:MM:SS" of every second of a day, looked up instead of formatted.
CLOCK = [f"{h:02d}:{m:02d}:{sec:02d}" for h in range(24) for m in range(60) for sec in range(60)]


@dataclass
class DrawnVisits:
    last_contact: date | None
    next_visit_due: date | None
    visits: list[tuple[Any, ...]]
    ticks: list[tuple[Any, ...]]


class _Pick:
    """A weighted choice with a precomputed cumulative table."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _one(random: Callable[[], float], items: Sequence[Any]) -> Any:
    return items[int(random() * len(items))]


class VisitDrawer:
    def __init__(
        self, seed: int, chunk: int, today: date, uuid7: Callable[[random.Random, int], str]
    ) -> None:
        self.rng = random.Random(f"{seed}:{chunk}:visits")
        self.today = today
        self.uuid7 = uuid7
        v = resources.load_json("demo", "visits.json")
        self.kind = _Pick(list(v["kinds"]), list(v["kinds"].values()))
        self.history = _Pick(list(HISTORY_WEIGHTS), list(HISTORY_WEIGHTS.values()))
        self.times = list(v["times"])
        self.purposes = {stage: list(items) for stage, items in v["purposes"].items()}
        self.phone_purposes = list(v["phone_purposes"])
        turnovers = (30, 50, 80, 120, 200, 350)
        self.states = [
            text.format(staff=staff, turnover=t)
            for text in v["operating_states"]
            for staff in (12, 25, 40, 60, 90)
            for t in turnovers
        ]
        self.repayments = [
            text.format(turnover=t) for text in v["repayment_sources"] for t in turnovers
        ]
        self.growth = list(v["growth_prospects"])
        self.need_purposes = list(v["need_purposes"])
        self.timings = list(v["need_timings"])
        self.steps = list(v["next_steps"])
        self.companions = list(v["companions"])
        self.amend_reasons = list(v["amend_reasons"])
        self.draft_notes = list(v["draft_notes"])
        self.amounts = [n * 1_000_000 for n in (30, 50, 100, 150, 200, 300)]
        # The rules and calendar the prospect writer's due dates come from (a new book
        # holds the shipped defaults).
        self.rules = due_dates.default_cadence().rules
        self.calendar = due_dates.calendar_of(due_dates.package_years())
        self.checklist_codes = [i.code for i in visit_rules.default_checklists().items]
        items = visit_rules.due_diligence_items()
        # Two to four items of a phase checked on a site visit, every such set formatted once.
        self.dd_sets = {
            phase: [
                " ".join(sorted(combo))
                for size in (2, 3, 4)
                for combo in combinations([i.code for i in items if i.phase == phase], size)
            ]
            for phase in ("before", "after")
        }
        self._pool: dict[tuple[str, bool], list[tuple[Any, ...]]] = {}
        # Every day's ISO text and epoch milliseconds, looked up instead of computed.
        self._iso: dict[date, str] = {}
        self._ms: dict[date, int] = {}

    def _day(self, day: date) -> str:
        text = self._iso.get(day)
        if text is None:
            text = self._iso[day] = day.isoformat()
            self._ms[day] = (day.toordinal() - 719163) * 86_400_000
        return text

    def _stamp(self, day: date, low_hour: int, span_hours: int) -> tuple[str, int]:
        """A UTC timestamp on ``day`` (as stored) and its epoch milliseconds."""
        day_text = self._day(day)
        random = self.rng.random
        seconds = low_hour * 3600 + int(random() * span_hours * 3600)
        micros = int(random() * 1_000_000)
        text = f"{day_text}T{CLOCK[seconds]}.{micros:06d}+00:00"
        return text, self._ms[day] + seconds * 1000 + micros // 1000

    # -- the prospect's contact rhythm ---------------------------------------------------------

    def last_contact(self, stage: str, created_day: date, drawn: date | None) -> date | None:
        """A last contact that keeps most of the book within its rhythm and some overdue,
        on a working day (RMs visit when businesses are open)."""
        if drawn is None and created_day > self.today - NEW_DAYS:
            return None  # too new to have been seen yet
        rng = self.rng
        rule = self.rules.get(stage)
        if stage == "dropped" and drawn is not None:
            day = drawn
        elif rule is None or rng.random() < OVERDUE_SHARE:
            every = rule.every_days if rule else 30
            day = self.today - timedelta(days=every + 3 + int(rng.random() * 118))
        else:
            day = self.today - timedelta(days=int(rng.random() * (rule.every_days - 4)))
        day = self.calendar.previous_workday(day)
        if day < created_day:
            day = min(self.calendar.next_workday(created_day), self.today)
        return max(day, created_day)

    # -- one prospect --------------------------------------------------------------------------

    def draw(
        self,
        pid: str,
        stage: str,
        rm: str | None,
        created_day: date,
        stage_day: date,
        first_day: date | None,
        last_contact: date | None,
        place: str,
        people: str,
        drop_reason: str | None = None,
    ) -> DrawnVisits:
        rng, today = self.rng, self.today
        last = self.last_contact(stage, created_day, last_contact)
        # The prospect writer's rule: a prospect dropped for a reason with a revisit rule
        # (no need for now) comes due again.
        facts = CadenceFacts(stage, last, stage_day, first_day, drop_reason)
        due = due_date(facts, self.rules, self.calendar)
        visits: list[tuple[Any, ...]] = []
        ticks: list[tuple[Any, ...]] = []
        if rm is None:
            return DrawnVisits(last, due, visits, ticks)
        days: list[date] = []
        if last is not None:
            days.append(last)
            wanted = self.history(rng)
            rule = self.rules.get(stage)
            gap = min(rule.every_days if rule else 45, 60)
            day = last
            while len(days) < wanted:
                day -= timedelta(days=max(7, gap - 10 + int(rng.random() * 21)))
                day = self.calendar.previous_workday(day)
                if day < created_day:
                    break
                days.append(day)
            days.reverse()
        # What is planned next decides the last record's "next visit" date.
        plan_day: date | None = None
        if stage != "dropped":
            roll = rng.random()
            if roll < MISSED_PLAN_SHARE:
                missed = today - timedelta(days=1 + int(rng.random() * 12))
                plan_day = self.calendar.previous_workday(missed)
            elif roll < MISSED_PLAN_SHARE + PLANNED_SHARE:
                target = (due or today) + timedelta(days=int(rng.random() * 9) - 6)
                if target < today:  # caught up on within the next fortnight
                    target = today + timedelta(days=int(rng.random() * 15))
                # A visit meant for today stays today, even on a day off: the book opened on
                # a weekend or a holiday has work on Today too.
                plan_day = (
                    today
                    if target == today
                    else self.calendar.next_workday(min(target, today + timedelta(days=45)))
                )
        if plan_day is not None and last is not None and plan_day <= last:
            plan_day = None  # a plan missed before the last visit would have been that visit
        prev = ""
        literacy = stage in ("first_loan", "strategic")
        fresh = list(self.checklist_codes) if literacy else []
        final: list[Any] = []
        for n, day in enumerate(days):
            following = days[n + 1] if n + 1 < len(days) else plan_day
            final = self._final(pid, stage, rm, day, following, place, people, first_day, fresh)
            prev = self._seal(final, prev)
            visits.append(tuple(final))
            if final[_CHECK]:
                for code in final[_CHECK].split():
                    ticks.append((pid, code, final[_ID], final[_FINAL_AT], rm))
        if days and days[-1] < today - 2 * ONE_DAY and rng.random() < AMEND_SHARE:
            amendment = self._amendment(final, days[-1])
            self._seal(amendment, prev)
            visits.append(tuple(amendment))
        if plan_day is not None:
            visits.append(self._planned(pid, rm, plan_day, stage, place))
        if stage != "dropped" and rng.random() < DRAFT_SHARE:
            day = self.calendar.previous_workday(today - timedelta(days=int(rng.random() * 3)))
            visits.append(self._draft(pid, rm, day, stage, place, people))
        return DrawnVisits(last, due, visits, ticks)

    # -- rows ------------------------------------------------------------------------------

    def _blank(self, pid: str, rm: str, status: str, kind: str, day: date) -> list[Any]:
        return [
            "", pid, rm, status, kind, self._day(day), "", "", "", "", "", "", "", "", None, "",
            "", "", "", None, None, "", None, None, "", "", "", None, None, "", "", 1,
        ]  # fmt: skip

    def _content(self, stage: str, late: bool) -> tuple[Any, ...]:
        """What a finalized visit says, drawn from a pool made once per stage: one draw per
        visit instead of a dozen (the words come from small vocabularies anyway)."""
        key = (stage, late)
        pool = self._pool.get(key)
        if pool is None:
            pool = self._pool[key] = [self._draw_content(stage, late) for _ in range(POOL)]
        return pool[int(self.rng.random() * POOL)]

    def _draw_content(self, stage: str, late: bool) -> tuple[Any, ...]:
        rng = self.rng
        random = rng.random
        kind = self.kind(rng)
        site = kind == "site"
        start = _one(random, self.times) if site or random() < 0.5 else ""
        state = _one(random, self.states)
        amount: int | None = None
        need = timing = companions = repay = growth = dd = ""
        auth: int | None = None
        if site:
            purpose = _one(random, self.purposes[stage])
            if random() < 0.25:
                companions = _one(random, self.companions)
            repay = _one(random, self.repayments)
            growth = _one(random, self.growth)
            auth = 1 if random() < 0.35 else 0
            dd = _one(random, self.dd_sets["after" if late else "before"])
        else:
            purpose = _one(random, self.phone_purposes)
        if random() < 0.18:
            amount = _one(random, self.amounts)
            need = _one(random, self.need_purposes)
            timing = _one(random, self.timings)
        steps = _one(random, self.steps)
        return (kind, start, purpose, companions, state, repay, growth, amount, need, timing, dd,
                auth, steps)  # fmt: skip

    def _final(
        self,
        pid: str,
        stage: str,
        rm: str,
        day: date,
        following: date | None,
        place: str,
        people: str,
        first_day: date | None,
        fresh: list[str],
    ) -> list[Any]:
        random = self.rng.random
        late = first_day is not None and day > first_day
        (kind, start, purpose, companions, state, repay, growth, amount, need, timing, dd, auth,
         steps) = self._content(stage, late)  # fmt: skip
        created, millis = self._stamp(day, 0, 8)
        vid = self.uuid7(self.rng, millis)
        day_text = self._day(day)
        covered = ""
        if fresh and random() < 0.7:
            picked = [fresh.pop(int(random() * len(fresh)))]
            if fresh and random() < 0.5:
                picked.append(fresh.pop(int(random() * len(fresh))))
            covered = " ".join(sorted(picked))
        next_on = self._day(following) if following is not None and following > day else None
        finalized, _ = self._stamp(day, 8, 2)
        return [
            vid, pid, rm, "final", kind, day_text, start, place if kind == "site" else "",
            purpose, companions, people, state, repay, growth, amount, need, timing, dd, covered,
            auth, day_text if auth else None, steps, next_on, None, "", "", "", finalized, rm,
            created, finalized, 3,
        ]  # fmt: skip

    def _seal(self, row: list[Any], prev: str) -> str:
        row[_PREV] = prev
        digest = chain_hash_values(_hashed(row), prev)
        row[_HASH] = digest
        return digest

    def _amendment(self, original: list[Any], day: date) -> list[Any]:
        rng = self.rng
        row = list(original)
        finalized, millis = self._stamp(day + ONE_DAY, 1, 8)
        row[_ID] = self.uuid7(rng, millis)
        row[_AMENDS] = original[_ID]
        row[_REASON] = _one(rng.random, self.amend_reasons)
        if row[_AMOUNT] is None:
            row[_AMOUNT] = 50_000_000
            row[_NEED] = _one(rng.random, self.need_purposes)
            row[_TIMING] = _one(rng.random, self.timings)
        row[_CHECK] = ""
        row[_FINAL_AT] = row[_CREATED] = row[_UPDATED] = finalized
        return row

    def _planned(self, pid: str, rm: str, day: date, stage: str, place: str) -> tuple[Any, ...]:
        rng = self.rng
        made = min(day, self.today) - timedelta(days=1 + int(rng.random() * 20))
        created, millis = self._stamp(made, 0, 9)
        row = self._blank(pid, rm, "planned", "site", day)
        row[_ID] = self.uuid7(rng, millis)
        if rng.random() < 0.8:
            row[_TIME] = _one(rng.random, self.times)
        row[_PLACE] = place
        row[_PURPOSE] = _one(rng.random, self.purposes[stage])
        if rng.random() < 0.2:
            row[_COMPANIONS] = _one(rng.random, self.companions)
        row[_CREATED] = row[_UPDATED] = created
        return tuple(row)

    def _draft(
        self, pid: str, rm: str, day: date, stage: str, place: str, people: str
    ) -> tuple[Any, ...]:
        rng = self.rng
        created, millis = self._stamp(day, 0, 2)
        row = self._blank(pid, rm, "draft", "site", day)
        row[_ID] = self.uuid7(rng, millis)
        row[_TIME] = _one(rng.random, self.times)
        row[_PLACE] = place
        row[_PURPOSE] = _one(rng.random, self.purposes[stage])
        row[_PEOPLE] = people
        row[_STATE] = _one(rng.random, self.draft_notes)
        row[_CREATED] = created
        row[_UPDATED], _ = self._stamp(day, 2, 2)
        row[_VERSION] = 2
        return tuple(row)
