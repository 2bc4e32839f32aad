"""`crm visits attach` and `crm visits files` on a real book: what is attached is listed, and
an unknown record or a bad file gets a message, a non-zero status and stores nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm.cli import main
from crm.services.context import Context
from crm.services.visits import VisitService
from tests.attachments import media
from tests.attachments.test_attach import counts
from tests.visits.visit_helpers import complete


def crm(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_attach_then_list(
    ctx: Context, draft_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = tmp_path / "premises.jpg"
    photo.write_bytes(media.jpeg(exif=media.photo_exif()))
    db = str(ctx.db.path)
    status, out, err = crm(
        capsys,
        "--lang",
        "en",
        "visits",
        "attach",
        draft_id,
        str(photo),
        "--db",
        db,
        "--kind",
        "premises",
        "--caption",
        "车间全景",
        "--json",
    )
    assert (status, err) == (0, "")
    attached = json.loads(out)
    assert attached["kind"] == "premises" and attached["caption"] == "车间全景"
    assert attached["taken_at"] == media.TAKEN_UTC.isoformat()
    status, out, _err = crm(capsys, "--lang", "zh_CN", "visits", "files", draft_id, "--db", db)
    assert status == 0 and attached["id"] in out and "拍摄于" in out and "车间全景" in out


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("cut.jpg", media.jpeg()[:3000], "文件已损坏或不完整"),
        ("a.gif", b"GIF89a" + bytes(100), "不能附加此类文件"),
    ],
)
def test_a_bad_file_is_refused_with_a_message(
    ctx: Context,
    draft_id: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    says: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    status, out, err = crm(
        capsys,
        "--lang",
        "zh_CN",
        "visits",
        "attach",
        draft_id,
        str(path),
        "--db",
        str(ctx.db.path),
    )
    assert status == 1 and out == "" and says in err and "Traceback" not in err
    assert counts(ctx) == (0, 0, 0)


def test_an_unknown_record_a_missing_file_and_a_final_record_are_refused(
    ctx: Context,
    visits: VisitService,
    draft_id: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = str(ctx.db.path)
    photo = tmp_path / "p.jpg"
    photo.write_bytes(media.jpeg())
    status, _out, err = crm(
        capsys, "--lang", "en", "visits", "attach", "nope", str(photo), "--db", db
    )
    assert status == 1 and "no visit with id nope" in err
    status, _out, err = crm(
        capsys, "--lang", "en", "visits", "attach", draft_id, str(tmp_path / "gone.jpg"), "--db", db
    )
    assert status == 1 and "there is no file or folder" in err
    visits.finalize(draft_id, complete())
    status, _out, err = crm(
        capsys, "--lang", "en", "visits", "attach", draft_id, str(photo), "--db", db
    )
    assert status == 1 and "amend the record" in err
    assert counts(ctx)[:2] == (0, 0)
