"""The service's HTTP contract, over a real uvicorn: auth, errors, limits, the queue (no renders: --workers 0)."""

from __future__ import annotations

import os
import stat

from tests.conftest import shared_file

from .conftest import TOKEN, service

EDF = "edf/mnetd_chtypes_edf.edf"


def test_staff_routes_need_the_token_and_errors_are_json(exhibition):
    edf = shared_file(EDF)
    with service(exhibition, "--workers", "0") as srv:
        client = srv.client
        for method, path in (("GET", "/api/pieces"), ("GET", "/api/pieces/x"), ("DELETE", "/api/pieces/x"),
                             ("POST", "/api/pieces")):
            for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": TOKEN}):
                response = client.request(method, path, headers=headers)
                assert response.status_code == 401, (method, path, headers, response.text)
                assert "token" in response.json()["detail"]
        assert client.get("/api/pieces/nosuchpiece", headers=srv.staff()).status_code == 404
        assert client.delete("/api/pieces/nosuchpiece", headers=srv.staff()).json()["detail"] == "no piece 'nosuchpiece'"
        assert client.get("/api/nothing-here").status_code == 404
        for public in ("/healthz", "/api/styles", "/staff", "/swatches/kawung/lasem.png"):
            assert client.get(public).status_code == 200, public
        assert client.get("/swatches/kawung/nopalette.png").status_code == 422

        missing_title = client.post("/api/pieces", headers=srv.staff(), files=[("files", ("a.edf", edf.read_bytes()))])
        assert missing_title.status_code == 422 and missing_title.json()["errors"][0]["field"] == "title"
        bad_motif = srv.upload([edf], motif="paisley")
        assert bad_motif.status_code == 422 and "kawung" in bad_motif.json()["detail"]
        bad_cloth = srv.upload([edf], cloth="tablecloth")
        assert bad_cloth.status_code == 422 and bad_cloth.json()["detail"].startswith("cloth:")
        not_eeg = client.post("/api/pieces", headers=srv.staff(), data={"title": "t"},
                              files=[("files", ("notes.docx", b"PK\x03\x04 not a recording"))])
        assert not_eeg.status_code == 422 and ".edf" in not_eeg.json()["detail"]
        two_headers = client.post("/api/pieces", headers=srv.staff(), data={"title": "t"},
                                  files=[("files", ("a.edf", b"0")), ("files", ("b.edf", b"0"))])
        assert two_headers.status_code == 422
        for response in (missing_title, bad_motif, bad_cloth, not_eeg, two_headers):
            assert "Traceback" not in response.text and "a.edf" not in response.text
        assert srv.client.get("/api/pieces", headers=srv.staff()).json() == []  # nothing half-queued
        assert list((exhibition / "service" / "uploads").iterdir()) == []


def test_uploads_queue_in_order_and_keep_no_file_name(exhibition):
    edf = shared_file(EDF)
    with service(exhibition, "--workers", "0") as srv:
        ids = []
        for i in range(3):
            response = srv.upload([edf], title=f"Piece {i}", note="calm", palette="lasem")
            assert response.status_code == 202, response.text
            body = response.json()
            assert body["status"] == "queued" and body["position"] == i + 1 and body["palette"] == "lasem"
            assert body["cloth"] == "A4"  # the manifest's [defaults]
            ids.append(body["id"])
        assert len(set(ids)) == 3 and all(len(i) == 10 and i.isalnum() for i in ids)
        listed = srv.client.get("/api/pieces", headers=srv.staff()).json()
        assert [p["id"] for p in listed] == ids and [p["position"] for p in listed] == [1, 2, 3]
        assert srv.client.delete(f"/api/pieces/{ids[0]}", headers=srv.staff()).status_code == 204
        assert srv.piece(ids[2])["position"] == 2
        assert srv.client.get(f"/api/pieces/{ids[0]}", headers=srv.staff()).status_code == 404
        assert srv.client.get("/healthz").json()["queued"] == 2
    stored = sorted(p.name for p in (exhibition / "service" / "uploads").rglob("*") if p.is_file())
    assert len(stored) == 2 and all(name.endswith(".edf") and len(name) == 64 + 4 for name in stored)
    everything = [p.name for p in exhibition.rglob("*")] + [srv.log_text()]
    assert not any("mnetd" in text for text in everything)  # the client's file name is nowhere
    with open(exhibition / "catalogue.sqlite", "rb") as handle:
        assert b"mnetd" not in handle.read()


def test_generated_token_is_private_and_printed_once(exhibition):
    with service(exhibition, "--workers", "0", token=None) as srv:
        token_file = exhibition / "service" / "token"
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        token = token_file.read_text().strip()
        assert len(token) >= 32 and srv.log_text().count(token) == 1
        assert srv.client.get("/api/pieces", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with service(exhibition, "--workers", "0", token=None) as srv:
        assert token not in srv.log_text()  # not printed again
        assert srv.client.get("/api/pieces", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_upload_limit_is_enforced_before_spooling_and_quota_answers_507(exhibition):
    big = shared_file("edf/mnetd_test_edf_overlapping_annotations.edf")  # 2.1 MB
    small = shared_file(EDF)  # 96 kB
    with service(exhibition, "--workers", "0", "--max-upload", "1MB", "--quota", "3MB") as srv:
        declared = srv.upload([big])
        assert declared.status_code == 413 and "1000000" in declared.json()["detail"]

        def chunks():  # no Content-Length: the guard counts the bytes as they stream
            head = b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nt\r\n--b\r\n'
            yield head + b'Content-Disposition: form-data; name="files"; filename="a.edf"\r\n\r\n'
            for _ in range(40):
                yield b"\0" * 65536

        streamed = srv.client.post("/api/pieces", headers={**srv.staff(), "Content-Type": "multipart/form-data; boundary=b"},
                                   content=chunks())
        assert streamed.status_code == 413 and streamed.json()["detail"].startswith("the upload is larger")
        assert srv.upload([small]).status_code == 202
        statuses = [srv.upload([small]).status_code for _ in range(40)]
        assert 507 in statuses and statuses[0] == 202 and set(statuses) == {202, 507}
        assert srv.client.get("/healthz").status_code == 200
    assert sum(f.stat().st_size for f in exhibition.rglob("*") if f.is_file()) <= 3 * 10**6
