"""``compliance serve`` as a CMS sees it: the real server in a subprocess, spoken to over HTTP on loopback."""
from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from compliance import Checker, load_config
from compliance.cli import main

from .conftest import AGENCY_PAGE, CONTENT, EXAMPLES, ROOT
from .serving import running_server

CONFIG = str(EXAMPLES / "compliance.yaml")
TOKEN = "s3cret-token-for-tests-0123456789"
MAX_BODY = 65_536


@pytest.fixture(scope="module")
def server():
    with running_server("--config", CONFIG, "--max-body-size", str(MAX_BODY)) as srv:
        yield srv
        log = srv.log.read_text(errors="replace")
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def expected():
    """What the library says, in process, with the server's config."""
    return Checker.from_config(load_config(Path(CONFIG)))


def test_check_answers_with_the_clis_json_entry(server):
    path = CONTENT / "ilkha-legal-warning.txt"
    answer = server.request("POST", "/v1/check", {"text": path.read_text(encoding="utf-8"), "path": str(path)})
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    cli = CliRunner().invoke(main, ["check", "--format", "json", "--config", CONFIG, str(path)])
    entry = json.loads(cli.output)["documents"][0]
    assert answer.json() == {**entry, "encoding": None}  # text arrives decoded; a file records its encoding
    assert answer.json()["verdict"] == "deny"


def test_agreements_from_the_config_apply(server):
    text = (CONTENT / "aa-subscribed.txt").read_text(encoding="utf-8")
    result = server.request("POST", "/v1/check", {"text": text}).json()
    assert result["verdict"] == "allow"
    assert result["path"] == "<text>"
    assert {"type": "attribute", "text": "Anadolu Ajansı (AA)", "source": "aa"} in result["duties"]


def test_metadata_is_accepted_as_a_free_form_object(server, expected):
    metadata = {"source": "staff", "license": None, "byline": "A. Reporter", "url": "https://example.org/a",
                "content_type": "article"}
    answer = server.request("POST", "/v1/check", {"text": AGENCY_PAGE, "path": "cms/42", "metadata": metadata})
    assert answer.status == 200
    direct = expected.check_text(AGENCY_PAGE, path="cms/42", metadata=metadata)
    assert answer.json() == json.loads(direct.model_dump_json())
    bad = server.request("POST", "/v1/check", {"text": AGENCY_PAGE, "metadata": ["staff"]})
    assert bad.status == 422
    assert [d["field"] for d in bad.json()["detail"]] == ["metadata"]


def test_batch_returns_the_cli_report_in_request_order(server, expected):
    texts = [AGENCY_PAGE, "Our reporter spoke to traders at the market.", (CONTENT / "aa-subscribed.txt").read_text()]
    body = {"documents": [{"text": t, "path": f"z{i}"} for i, t in enumerate(texts)][::-1]}
    report = server.request("POST", "/v1/check/batch", body).json()
    assert report["schema"] == "compliance-report/1"
    assert [d["path"] for d in report["documents"]] == ["z2", "z1", "z0"]
    assert [d["verdict"] for d in report["documents"]] == ["allow", "review", "deny"]
    assert report["summary"] == {"documents": 3, "allow": 1, "review": 1, "deny": 1, "waived": 0, "not_checked": 0}
    assert report["documents"][2] == json.loads(expected.check_text(AGENCY_PAGE, path="z0").model_dump_json())
    assert server.request("POST", "/v1/check/batch", {"documents": []}).json()["summary"]["documents"] == 0


def test_sources_and_rules_browse_the_active_registry(server, expected):
    sources = server.request("GET", "/v1/sources").json()["sources"]
    assert [s["id"] for s in sources] == sorted(expected.rules.sources)
    ilkha = next(s for s in sources if s["id"] == "ilkha")
    assert (ilkha["name"], ilkha["tags"][0], ilkha["terms"]) == ("İlke Haber Ajansı", "ILKHA", "subscription")
    rules = server.request("GET", "/v1/rules").json()
    assert rules["fingerprint"] == expected.rules.fingerprint
    assert {r["id"] for r in rules["rules"]} == {lr.rule.id for lr in expected.rules.loaded}
    assert {"id": "ap", "kind": "source", "summary": "The Associated Press"} in rules["rules"]


def test_health_and_openapi_describe_the_service(server):
    assert server.request("GET", "/healthz").json() == {"status": "ok"}
    spec = server.request("GET", "/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    assert {(p, m) for p, ops in spec["paths"].items() for m in ops} == {
        ("/v1/check", "post"), ("/v1/check/batch", "post"), ("/v1/sources", "get"),
        ("/v1/rules", "get"), ("/healthz", "get")}
    # Real answers validate against the schemas the document promises.
    for method, path, body in [("POST", "/v1/check", {"text": AGENCY_PAGE}),
                               ("POST", "/v1/check/batch", {"documents": [{"text": AGENCY_PAGE}]}),
                               ("GET", "/v1/sources", None), ("GET", "/v1/rules", None),
                               ("POST", "/v1/check", "{not json")]:
        answer = server.request(method, path, body)
        op = spec["paths"][path][method.lower()]
        schema = op["responses"][str(answer.status)]["content"]["application/json"]["schema"]
        jsonschema.Draft202012Validator({**schema, "components": spec["components"]}).validate(answer.json())


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe\xfa", b"[" * 60_000, b'{"text": "<script>'])
def test_malformed_json_is_a_422_in_json(server, body):
    answer = server.request("POST", "/v1/check", body)
    assert answer.status == 422
    assert answer.json() == {"error": "the request body is not valid JSON (UTF-8)", "detail": []}


def test_schema_errors_name_fields_but_never_echo_input(server):
    answer = server.request("POST", "/v1/check", {"text": 5, "<b>evil</b>": "<i>x</i>"})
    assert answer.status == 422
    assert answer.json()["detail"] == [{"field": "text", "message": "Input should be a valid string"},
                                       {"field": "(body)", "message": "unknown field"}]
    assert b"evil" not in answer.body and b"<" not in answer.body
    missing = server.request("POST", "/v1/check/batch", {"documents": [{"path": "x"}]})
    assert missing.json()["detail"] == [{"field": "documents.0.text", "message": "Field required"}]


def test_input_never_comes_back_as_markup(server):
    text = "<script>alert(1)</script> Officials met on Monday. (AFP)"
    answer = server.request("POST", "/v1/check", {"text": text, "path": "<img src=x onerror=alert(1)>"})
    assert answer.status == 200
    assert b"<" not in answer.body and b">" not in answer.body
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.json()["path"] == "<img src=x onerror=alert(1)>"


def test_unknown_route_and_wrong_method_are_json_errors(server):
    answer = server.request("GET", "/v2/<script>")
    assert (answer.status, answer.json()["error"]) == (404, "no such endpoint (see /openapi.json)")
    assert b"script" not in answer.body
    wrong = server.request("GET", "/v1/check")
    assert (wrong.status, wrong.headers["allow"]) == (405, "POST")


def test_too_large_body_is_413_with_or_without_content_length(server):
    big = json.dumps({"text": "x" * MAX_BODY}).encode()
    answer = server.request("POST", "/v1/check", big)
    assert answer.status == 413
    assert answer.json()["error"] == f"the request body is larger than {MAX_BODY} bytes"
    # Chunked, so the size is only known while reading.
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", "/v1/check", body=iter([big[:40_000], big[40_000:]]), encode_chunked=True,
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    assert (resp.status, json.loads(resp.read())["error"]) == (413, answer.json()["error"])
    conn.close()
    assert server.request("POST", "/v1/check", {"text": "x" * (MAX_BODY - 100)}).status == 200


def test_requests_must_be_addressed_to_loopback_without_a_token(server):
    answer = server.request("GET", "/healthz", headers={"Host": "rebound.example:8000"})
    assert answer.status == 400
    assert b"rebound" not in answer.body
    assert server.request("GET", "/healthz", headers={"Host": "localhost:1234"}).status == 200


def test_a_token_is_required_when_one_is_set(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    with running_server("--token-file", str(token_file)) as srv:
        check = {"text": AGENCY_PAGE}
        missing = srv.request("POST", "/v1/check", check)
        assert missing.status == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        assert missing.json() == {"error": "a valid bearer token is required", "detail": []}
        assert srv.request("POST", "/v1/check", check, {"Authorization": f"Bearer {TOKEN}x"}).status == 401
        assert srv.request("GET", "/v1/rules", headers={"Authorization": "Bearer é"}).status == 401
        assert srv.request("GET", "/nowhere").status == 401  # no probing for routes without the token
        ok = srv.request("POST", "/v1/check", check, {"Authorization": f"Bearer {TOKEN}"})
        assert (ok.status, ok.json()["verdict"]) == (200, "deny")
        assert srv.request("GET", "/healthz").status == 200
        spec = srv.request("GET", "/openapi.json", headers={"Authorization": f"bearer {TOKEN}"}).json()
        assert spec["security"] == [{"bearer": []}]
        assert spec["paths"]["/healthz"]["get"]["security"] == []


def test_refuses_to_listen_off_loopback_without_a_token(runner, monkeypatch):
    monkeypatch.delenv("COMPLIANCE_TOKEN", raising=False)
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert result.output == ("compliance: error: refusing to listen on 0.0.0.0 without a bearer token: "
                             "set COMPLIANCE_TOKEN or use --token-file\n")


@pytest.mark.parametrize("env, args, message", [
    ({"COMPLIANCE_TOKEN": "short"}, [], "the token must be at least 16 printable ASCII characters without spaces"),
    ({"COMPLIANCE_TOKEN": TOKEN}, ["--token-file", "t"],
     "give the token either in COMPLIANCE_TOKEN or with --token-file, not both"),
    ({}, ["--token-file", "missing-token"], "missing-token: cannot read the token: No such file or directory"),
])
def test_bad_token_settings_are_usage_errors(runner, monkeypatch, env, args, message):
    monkeypatch.delenv("COMPLIANCE_TOKEN", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    result = runner.invoke(main, ["serve", "--port", "0", *args])
    assert (result.exit_code, result.output) == (2, f"compliance: error: {message}\n")


def test_port_in_use_is_a_clear_error(runner):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.output.startswith(f"compliance: error: cannot listen on 127.0.0.1:{port}: ")


def test_a_request_past_its_deadline_is_refused_and_the_server_carries_on():
    with running_server("--timeout", "0.5", "--max-body-size", "4000000") as srv:
        host, port = srv.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as slow:
            slow.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{\"text\": ")
            reply = _read_until_closed(slow)
        assert reply.startswith(b"HTTP/1.1 408 ")
        assert b"\r\nconnection: close\r\n" in reply
        assert b'{"error":"the request body did not arrive in time","detail":[]}' in reply
        many = {"documents": [{"text": AGENCY_PAGE}] * 3000}  # seconds of checking
        answer = srv.request("POST", "/v1/check/batch", many)
        assert (answer.status, answer.json()["error"]) == (503, "the batch took longer than 0.5 s")
        assert srv.request("POST", "/v1/check", {"text": AGENCY_PAGE}).json()["verdict"] == "deny"


def test_the_core_library_and_cli_work_without_the_server_extra():
    script = """
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {"starlette", "uvicorn", "anyio"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Missing())
import compliance, compliance.cli
from click.testing import CliRunner
assert compliance.Checker().check_text("WASHINGTON (AP) - Talks began.").verdict == "deny"
result = CliRunner().invoke(compliance.cli.main, ["serve"])
print(result.exit_code, result.output, end="")
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout == ("2 compliance: error: the HTTP service needs the server extra: "
                          "pip install 'news-compliance[server]'\n"), out.stderr


def test_load_benchmark_answers_every_request_correctly():
    """2,000 requests from 8 clients on loopback; the script checks each answer and prints throughput."""
    bench = [sys.executable, str(ROOT / "bench" / "serve_load.py"), "--requests", "2000", "--clients", "8"]
    out = subprocess.run(bench, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2000 requests, 8 clients, 0 errors" in out.stdout


def _read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data
