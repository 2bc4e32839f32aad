"""Taking an import back, and settling the possible duplicates it flagged.

Undo walks the batch's effects: prospects it created are deleted (with their index rows
and, when head office never saw them, their queued outbox ops), memberships it added are
removed, fields it filled are emptied again, business facts it set are cleared (kept
simple: a fact the import replaced is cleared, not given its earlier value back; one set
again by hand after the import is kept). It is refused as a whole when any of those
prospects changed after the import (its version is past the import's `version_after`, or
someone added visits, loans or contacts to it, or facts to one it created), so nobody's
later work is thrown away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Final

from crm.domain.errors import DomainError
from crm.domain.importing import FACT_FIELDS
from crm.services.audit import Action, AuditService
from crm.services.context import Context, NotFound
from crm.store import import_log, import_rows, import_undo
from crm.store.fact_writer import FactWriter
from crm.store.prospect_writer import ProspectWriter
from crm.store.unit_of_work import Connection, Session

# Rows an import itself writes for a prospect it creates; any other row pointing at such a
# prospect is somebody's later work.
_IMPORT_OWN_TABLES: Final = frozenset(
    {
        "stage_events",
        "source_memberships",
        "duplicate_flags",
        "import_effects",
        # The facts it set; facts set after it are told apart by their time (`_later_facts`).
        "prospect_facts",
    }
)
# Columns emptied again on undo, and their empty value.
_EMPTY: Final = {
    "owner_name": "",
    "phone": "",
    "address": "",
    "district_code": None,
    "street": "",
    "industry_code": None,
    "registered_capital_fen": None,
    "established_on": None,
    "notes": "",
}
MAX_NAMED: Final = 5


class UndoRefused(DomainError):
    """An undo that would lose later work, or of an import that cannot be undone."""


@dataclass(frozen=True)
class UndoResult:
    batch_id: str
    deleted: int
    memberships_removed: int
    fields_emptied: int


def undo_batch(ctx: Context, batch_id: str) -> UndoResult:
    with ctx.db.transaction(bulk=True) as s:
        batch = import_log.batch(s, batch_id)
        if batch is None:
            raise NotFound("import", batch_id)
        if batch.status != "done":
            raise UndoRefused(
                "import.undo_status",
                "the import of {file} cannot be undone: it is {status}",
                file=batch.file_name,
                status=batch.status,
            )
        conn = s.connection()
        effects = import_undo.batch_effects(conn, batch_id)
        after: dict[str, int] = {}
        created: list[str] = []
        joined: list[tuple[str, str]] = []
        filled: dict[str, set[str]] = {}
        facts: dict[str, set[str]] = {}
        for pid, kind, source, names, version in effects:
            after[pid] = max(after.get(pid, 0), int(version))
            if kind == "created":
                created.append(pid)
            elif kind == "membership":
                joined.append((pid, source))
            elif kind == "filled":
                filled.setdefault(pid, set()).update(names.split())
            elif kind == "facts":
                facts.setdefault(pid, set()).update(names.split())
        current = import_undo.versions(conn, list(after))
        finished = batch.finished_at or batch.started_at
        stamp = finished.astimezone(UTC).isoformat(timespec="microseconds")
        later = import_rows.facts_set_since(conn, [p for p in after if p in current], stamp)
        _refuse_changed(conn, after, current, created, later)
        created_set = set(created)
        live_created = [pid for pid in created if pid in current]
        writer = ProspectWriter(s, ctx.now(), ctx.actor_id, ctx.zone)
        _clear_facts(s, ctx, facts, current, created_set, later)
        writer.remove_created(live_created)
        removed = 0
        emptied = 0
        touched = sorted({pid for pid, _ in joined} | set(filled) - created_set, key=str)
        touched = [pid for pid in touched if pid in current and pid not in created_set]
        for pid in touched:
            sources = [src for p, src in joined if p == pid]
            names = sorted(filled.get(pid, set()))
            writer.take_back(pid, {n: _EMPTY[n] for n in names}, sources, current[pid])
            removed += len(sources)
            emptied += len(names)
        writer.finish()
        import_log.mark_undone(batch, ctx.now())
        AuditService(ctx).record_in(
            s,
            Action.IMPORT_UNDO,
            batch_id,
            {"deleted": len(live_created), "memberships": removed, "fields": emptied},
        )
        return UndoResult(batch_id, len(live_created), removed, emptied)


def _clear_facts(
    s: Session,
    ctx: Context,
    facts: dict[str, set[str]],
    current: dict[str, int],
    created: set[str],
    later: dict[str, set[str]],
) -> None:
    """Clear the facts the import set. On a known prospect, the keys of its "facts"
    effects that nobody set again since. A prospect the import created goes with every
    fact it holds (an import records no effect for those: any fact set on it since
    refuses the undo): the fact ops head office has not been sent are dropped with the
    prospect's own, and the facts it was sent are followed by a clear."""
    conn = s.connection()
    made = sorted(pid for pid in created if pid in current)
    unsent = import_rows.drop_unsent_fact_ops(conn, made)
    sent_made = [pid for pid in made if pid not in unsent]
    held = import_rows.facts_of(conn, sent_made, FACT_FIELDS)
    clears = {pid: set(held[pid]) for pid in sent_made if pid in held}
    for pid, keys in facts.items():
        if pid in current and pid not in created:
            clears[pid] = keys
    writer = FactWriter(s, ctx.now(), ctx.actor_id)
    for pid in sorted(clears):
        keys = clears[pid] - later.get(pid, set())
        if keys:
            writer.clear(pid, keys)
    s.flush()


def _refuse_changed(
    conn: Connection,
    after: dict[str, int],
    current: dict[str, int],
    created: list[str],
    later_facts: dict[str, set[str]],
) -> None:
    changed = sorted(pid for pid, version in current.items() if version != after[pid])
    if not changed:
        # Facts given to a prospect the import created, after it: its deletion would lose them.
        changed = sorted(pid for pid in created if later_facts.get(pid))
    if not changed:
        later: set[str] = set()
        live = [pid for pid in created if pid in current]
        for table, column in import_undo.prospect_references(conn):
            if table in _IMPORT_OWN_TABLES:
                continue
            later |= import_undo.referred_to(conn, table, column, live)
        changed = sorted(later)
    if changed:
        raise UndoRefused(
            "import.undo_changed",
            "this import cannot be undone: {count} of its prospects changed after it "
            "(for example {names}); undoing it would lose that work",
            count=len(changed),
            names=import_undo.names(conn, changed[:MAX_NAMED]),
        )


# --------------------------------------------------------------------------- duplicates


def resolve_flag(ctx: Context, flag_id: str, *, confirm: bool) -> str:
    """Settle a possible duplicate: `confirm` merges the flagged prospect into the one it
    looked like (empty fields filled, lists joined) and deletes it; otherwise both stay."""
    with ctx.db.transaction() as s:
        flag = import_log.flag(s, flag_id)
        if flag is None:
            raise NotFound("duplicate", flag_id)
        if flag.status != "open":
            raise UndoRefused("import.flag_settled", "this possible duplicate was already settled")
        if not confirm:
            import_log.settle_flag(flag, "split", ctx.now())
            return flag.prospect_id
        conn = s.connection()
        kept, gone = flag.candidate_id, flag.prospect_id
        for table, column in import_undo.prospect_references(conn):
            if table in _IMPORT_OWN_TABLES:
                continue
            if import_undo.is_referred_to(conn, table, column, gone):
                raise UndoRefused(
                    "import.flag_has_work",
                    "the two records cannot be merged automatically: the newer one already "
                    "has visits, loans or contacts; merge them by hand",
                )
        import_log.settle_flag(flag, "confirmed", ctx.now())
        _merge_into(s, conn, ctx, gone, kept)
        return kept


def _merge_into(s: Session, conn: Connection, ctx: Context, gone: str, kept: str) -> None:
    columns = list(_EMPTY)
    keep_row, gone_row = import_undo.merge_rows(conn, kept, gone, columns)
    edited = set((keep_row[1] or "").split())
    fills = {
        name: gone_row[i]
        for i, name in enumerate(columns)
        if keep_row[i + 2] in (None, "") and gone_row[i] not in (None, "") and name not in edited
    }
    writer = ProspectWriter(s, ctx.now(), ctx.actor_id, ctx.zone)
    writer.absorb(kept, fills, import_undo.source_codes(conn, gone))
    writer.remove_created([gone], merged_into=kept)
    writer.finish()
