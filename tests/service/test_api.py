"""The service's HTTP contract over a real uvicorn: auth, errors, limits, the queue, the OpenAPI schema.

One service for the module (``--workers 0``: uploads queue, nothing renders); each test leaves the
queue empty behind it.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from batikgen.service.auth import load_or_create_token
from tests.conftest import shared_file

from .conftest import TOKEN, Running, make_exhibition, service

EDF = "edf/mnetd_chtypes_edf.edf"  # 96 kB
BIG = "edf/mnetd_test_edf_overlapping_annotations.edf"  # 2.1 MB
MAX_UPLOAD, QUOTA = "1MB", "2MB"
#: Examples per operation for schemathesis: bounded, so the run stays within seconds.
EXAMPLES = 10
#: What the issue asks of every answer: no 5xx, and status, type, headers and body as the schema says.
#: Not "positive data acceptance": a schema-valid upload of random bytes is rightly refused (422).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    exhibition = make_exhibition(tmp_path_factory.mktemp("api") / "exhibition")
    with service(exhibition, "--workers", "0", "--max-upload", MAX_UPLOAD, "--quota", QUOTA) as running:
        yield running


@pytest.fixture(autouse=True)
def empty_queue(srv: Running):
    yield
    listed = srv.client.get("/api/pieces", headers=srv.staff())
    assert listed.status_code == 200, listed.text
    for piece in listed.json():
        srv.client.delete(f"/api/pieces/{piece['id']}", headers=srv.staff())


def test_staff_routes_need_the_token_and_errors_are_json(srv):
    edf = shared_file(EDF)
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
    lone_header = client.post("/api/pieces", headers=srv.staff(), data={"title": "t"},
                              files=[("files", ("a.vhdr", b"Brain Vision Data Exchange Header File Version 1.0"))])
    assert lone_header.status_code == 422 and "data file" in lone_header.json()["detail"]
    for response in (missing_title, bad_motif, bad_cloth, not_eeg, two_headers):
        assert "Traceback" not in response.text and "a.edf" not in response.text
    assert srv.client.get("/api/pieces", headers=srv.staff()).json() == []  # nothing half-queued
    assert list((srv.exhibition / "service" / "uploads").iterdir()) == []


def test_uploads_queue_in_order_and_keep_no_file_name(srv):
    edf = shared_file(EDF)
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

    exhibition = srv.exhibition
    stored = sorted(p.name for p in (exhibition / "service" / "uploads").rglob("*") if p.is_file())
    assert len(stored) == 2 and all(name.endswith(".edf") and len(name) == 64 + 4 for name in stored)
    everything = [p.name for p in exhibition.rglob("*")] + [srv.log_text()]
    assert not any("mnetd" in text for text in everything)  # the client's file name is nowhere
    with open(exhibition / "catalogue.sqlite", "rb") as handle:
        assert b"mnetd" not in handle.read()


def test_upload_limit_is_enforced_before_spooling_and_quota_answers_507(srv):
    declared = srv.upload([shared_file(BIG)])
    assert declared.status_code == 413 and "1000000" in declared.json()["detail"]

    def chunks():  # no Content-Length: the guard counts the bytes as they stream
        head = b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nt\r\n--b\r\n'
        yield head + b'Content-Disposition: form-data; name="files"; filename="a.edf"\r\n\r\n'
        for _ in range(40):
            yield b"\0" * 65536

    multipart = {**srv.staff(), "Content-Type": "multipart/form-data; boundary=b"}
    streamed = srv.client.post("/api/pieces", headers=multipart, content=chunks())
    assert streamed.status_code == 413 and streamed.json()["detail"].startswith("the upload is larger")

    small = shared_file(EDF)
    statuses = [srv.upload([small]).status_code for _ in range(30)]
    assert statuses[0] == 202 and 507 in statuses and set(statuses) == {202, 507}
    assert srv.client.get("/healthz").status_code == 200
    used = sum(f.stat().st_size for f in srv.exhibition.rglob("*") if f.is_file())
    assert used <= 2 * 10**6


def test_api_matches_its_schema(srv):
    schema = schemathesis.openapi.from_url(f"{srv.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
        "GET /healthz", "POST /api/pieces", "GET /api/pieces", "GET /api/pieces/{piece_id}",
        "DELETE /api/pieces/{piece_id}"}
    calls = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
            calls.append((case.path, response.status_code))

        check()
    assert len(calls) >= len(operations) * 3
    assert all(status < 500 for _, status in calls)
    assert srv.client.get("/healthz").status_code == 200


def test_generated_token_is_private_and_printed_once(tmp_path):
    exhibition = make_exhibition(tmp_path / "exhibition")
    with service(exhibition, "--workers", "0", token=None) as running:
        token_file = exhibition / "service" / "token"
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        token = token_file.read_text().strip()
        assert len(token) >= 32 and running.log_text().count(token) == 1
        assert running.client.get("/api/pieces", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    # A later start finds it and does not print it (the command prints only a token just created).
    assert load_or_create_token(exhibition / "service", environ={}) == (token, False)
    short = subprocess.run([sys.executable, "-m", "batikgen.cli", "serve", str(exhibition)], capture_output=True,
                           text=True, env={**os.environ, "BATIKGEN_TOKEN": "short"}, timeout=60)
    assert short.returncode == 1 and short.stderr.startswith("batikgen: error: BATIKGEN_TOKEN must be at least")
    assert "Traceback" not in short.stderr


def test_a_batch_run_waits_for_the_running_service(srv):
    batch = subprocess.run([sys.executable, "-m", "batikgen.cli", "batch", str(srv.exhibition)], capture_output=True,
                           text=True, timeout=120)
    assert batch.returncode == 1 and "batikgen serve" in batch.stderr and "already working" in batch.stderr
    assert srv.client.get("/healthz").status_code == 200
