"""Files of visit records through a real head office on 127.0.0.1: byte for byte to every
device in scope, an upload cut off half-way resumes, and another team's RM gets nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest

from crm.services.attachments import AttachmentService
from crm.services.context import NotFound
from crm.services.visits import VisitService
from crm.sync import credentials
from crm.sync import protocol as P
from crm.sync.engine import device_id
from crm.sync.errors import SyncOfflineError
from tests.attachments import media
from tests.sync.harness import Device, Server, Team
from tests.sync.proxy import Proxy
from tests.visits.visit_helpers import complete


def signed_in(d: Device, user_id: str) -> Device:
    d.sign_in()
    d.run()
    d.ctx.actor_id = user_id
    return d


def record_with_files(d: Device, files: dict[str, bytes]) -> tuple[str, dict[str, str]]:
    """A prospect and a finalized visit of it holding ``files`` (kind: bytes); returns the
    visit's id and each file's hash by kind."""
    pid = d.create("佛山市南海区华兴五金制品厂")
    visits = VisitService(d.ctx)
    today = d.ctx.today()
    vid = visits.start_record(pid, today).id
    attachments = AttachmentService(d.ctx)
    hashes = {}
    for kind, data in files.items():
        hashes[kind] = attachments.attach_bytes(vid, data, kind=kind, caption=kind).sha256
    visits.finalize(vid, complete(day=today, next_visit_on=today + timedelta(days=30)))
    return vid, hashes


def test_files_reach_the_lead_byte_for_byte(device, server: Server, people: Team) -> None:
    rm = signed_in(device("wangfang"), people.rm1)
    lead = signed_in(device("chenjing"), people.lead)
    photo = media.jpeg(exif=media.photo_exif())
    scan = media.heic(exif=media.photo_exif())
    paper = media.pdf()
    vid, hashes = record_with_files(
        rm, {"premises": photo, "licence": scan, "authorisation": paper}
    )
    sent = rm.run()
    assert sent.files.sent == 3 and sent.files.bytes_sent == len(photo) + len(scan) + len(paper)
    assert server.ho.blobs.count() == 3
    got = lead.run()
    assert got.files.fetched == 3
    lead_files = AttachmentService(lead.ctx)
    shown = lead_files.for_visit(vid)
    assert {a.kind: lead_files.content(a.id) for a in shown} == {
        "premises": photo,
        "licence": scan,
        "authorisation": paper,
    }
    # Their EXIF came along in the record; the previews are made on the lead's computer.
    premises = next(a for a in shown if a.kind == "premises")
    assert premises.taken_at == media.TAKEN_UTC and premises.preview is not None
    assert VisitService(lead.ctx).verify().ok
    # Nothing to send or fetch again.
    again = rm.run()
    assert (again.files.sent, again.files.fetched, again.files.waiting) == (0, 0, 0)
    assert lead.run().files.fetched == 0
    assert set(hashes.values()) == {hashlib.sha256(b).hexdigest() for b in (photo, scan, paper)}


def test_an_upload_cut_half_way_sends_only_the_rest(device, server: Server, people: Team) -> None:
    proxy = Proxy(server.port)
    try:
        rm: Device = device("wangfang")
        rm.url = proxy.url
        signed_in(rm, people.rm1)
        big = media.png(900, 900, noise=True)  # incompressible: about 2.4 MB, three chunks
        assert len(big) > 2 * P.BLOB_CHUNK
        vid, _hashes = record_with_files(rm, {"premises": big})
        # The second chunk reaches head office, which keeps it, but its answer is lost.
        fault = proxy.cut(f"PUT {P.API}/blobs/", after=0, skip=1)
        with pytest.raises(SyncOfflineError):
            rm.run()
        assert fault.cut == 1
        proxy.heal()
        summary = rm.run()
    finally:
        proxy.close()
    assert (summary.files.sent, summary.files.bytes_sent) == (1, len(big) - 2 * P.BLOB_CHUNK)
    lead = signed_in(device("chenjing"), people.lead)
    files = AttachmentService(lead.ctx)
    (shown,) = files.for_visit(vid)
    assert files.content(shown.id) == big


def test_another_teams_rm_cannot_fetch_a_file(device, server: Server, people: Team) -> None:
    rm = signed_in(device("wangfang"), people.rm1)
    vid, hashes = record_with_files(rm, {"licence": media.png()})
    rm.run()
    stranger = signed_in(device("zhaolei"), people.rm3)
    (attachment,) = AttachmentService(rm.ctx).for_visit(vid)
    token = credentials.load_token(server.url, device_id(stranger.db))
    headers = {P.PROTOCOL_HEADER: str(P.PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    url = f"{server.url}{P.API}/blobs/{hashes['licence']}"
    params = {"attachment": attachment.id}
    for method in ("HEAD", "GET"):
        assert httpx.request(method, url, params=params, headers=headers).status_code == 404
    put = httpx.put(
        url, params=params, headers={**headers, "Content-Range": "bytes 0-3/4"}, content=b"evil"
    )
    assert put.status_code == 404
    # The RM's own device may read it; the stranger's sync never brought the record.
    own = credentials.load_token(server.url, device_id(rm.db))
    mine = httpx.get(url, params=params, headers={**headers, "Authorization": f"Bearer {own}"})
    assert mine.status_code == 200 and mine.content == media.png()
    with pytest.raises(NotFound):
        AttachmentService(stranger.ctx).for_visit(vid)
