"""``begroot serve``: serves the site on loopback, rebuilds on change and tells the page to reload."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import GOOD_FINANCE, write_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 5) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 30, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(interval)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": "Eerste versie van de tekst.\n"})
    port = free_port()
    temp = tmp_path / "temp"  # where serve writes its site: removed when serve stops
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "begroot", "serve", str(project), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "NO_COLOR": "1", "TMPDIR": str(temp)})
    try:
        wait_for(lambda: get(port, "/")[0] == 200)
        assert [p.name for p in temp.iterdir() if p.name.startswith("begroot-serve-")]
        yield project, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert proc.returncode == 0  # SIGTERM stops serve as Ctrl+C does
    assert [p.name for p in temp.iterdir() if p.name.startswith("begroot-serve-")] == []


def programme_path(port: int) -> str:
    status, body = get(port, "/begroting-2024/")
    assert status == 200
    return "/begroting-2024/programma/1-veiligheid/"


def test_serve_rebuilds_and_signals_reload(served):
    project, port = served
    status, body = get(port, programme_path(port))
    assert status == 200
    assert "Eerste versie van de tekst." in body
    assert '<script src="/__begroot/reload.js"></script>' in body  # live reload is added to served pages
    status, script = get(port, "/__begroot/reload.js")
    assert status == 200 and "/__begroot/events" in script

    events = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    events.request("GET", "/__begroot/events")
    stream = events.getresponse()
    assert stream.status == 200 and stream.getheader("Content-Type") == "text/event-stream"

    text = project / "begroting-2024" / "teksten" / "1-doelstelling.md"
    text.write_text("Tweede versie van de tekst.\n", encoding="utf-8")
    line = b""
    deadline = time.monotonic() + 30
    while b"data: reload" not in line and time.monotonic() < deadline:
        line = stream.fp.readline()
    events.close()
    assert b"data: reload" in line
    assert "Tweede versie van de tekst." in get(port, programme_path(port))[1]


def test_serve_keeps_the_last_good_site_when_a_change_breaks_the_build(served):
    project, port = served
    (project / "begroting-2024" / "financien.csv").write_text(GOOD_FINANCE.replace("200", "twee"), encoding="utf-8")
    time.sleep(1.5)
    status, body = get(port, programme_path(port))
    assert status == 200 and "Eerste versie van de tekst." in body


def request(port: int, method: str, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(method, path)
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def test_serve_only_serves_the_site(served):
    project, port = served
    assert get(port, "/../begroot.toml")[0] == 400  # a .. segment: malformed (test_security_runtime.py)
    assert get(port, "/%2e%2e/begroot.toml")[0] == 400
    assert get(port, "/begroot.toml")[0] == 404
    assert request(port, "POST", "/").status == 501
    assert request(port, "PUT", "/index.html").status == 501
    assert request(port, "DELETE", "/index.html").status == 501
    head = request(port, "HEAD", "/")
    assert head.status == 200
    csp = head.getheader("Content-Security-Policy")
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "http" not in csp
    assert head.getheader("X-Content-Type-Options") == "nosniff"


def test_symlinks_out_of_the_site_are_refused(tmp_path):
    import threading

    from begroot.serve import Reloader, make_server

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>ok</body></html>", encoding="utf-8")
    secret = tmp_path / "geheim.txt"
    secret.write_text("niet voor het web", encoding="utf-8")
    (site / "lek.txt").symlink_to(secret)
    (site / "map").symlink_to(tmp_path)
    server = make_server(site, "127.0.0.1", 0, Reloader())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert get(port, "/index.html")[0] == 200
        assert get(port, "/lek.txt")[0] == 404
        assert get(port, "/map/geheim.txt")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_deploy_examples_carry_the_same_policy():
    from begroot.serve import SECURITY_HEADERS

    from .conftest import ROOT

    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert policy in (ROOT / "docs" / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert policy in (ROOT / "docs" / "deploy" / "_headers").read_text(encoding="utf-8")


def test_files_on_disk_have_no_reload_script(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    from begroot.build import build

    build(project, tmp_path / "site")
    for page in (tmp_path / "site").rglob("*.html"):
        assert "__begroot" not in page.read_text(encoding="utf-8")
    assert Path(tmp_path / "site" / ".begroot-site").is_file()


def test_serve_keeps_a_build_state_between_rebuilds(monkeypatch, tmp_path):
    """The rebuilds under serve are incremental: every build gets the same BuildState."""
    import begroot.build as build_module
    import begroot.cli as cli
    from begroot.build import BuildState

    seen = []

    def fake_build(project, out, *, step=None, state=None, strict=False):
        seen.append(state)
        raise build_module.ProjectInvalid(__import__("begroot.errors", fromlist=["Problems"]).Problems())

    monkeypatch.setattr(build_module, "build", fake_build)
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    import typer
    with pytest.raises(typer.Exit):
        cli._serve(project, "127.0.0.1", free_port(), watch=False)
    assert len(seen) == 1 and isinstance(seen[0], BuildState)
