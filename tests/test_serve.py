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
    proc = subprocess.Popen([sys.executable, "-m", "begroot", "serve", str(project), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "NO_COLOR": "1"})
    try:
        wait_for(lambda: get(port, "/")[0] == 200)
        yield project, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def programme_path(port: int) -> str:
    status, body = get(port, "/begroting-2024/")
    assert status == 200
    return "/begroting-2024/programma/1-veiligheid/"


def test_serve_rebuilds_and_signals_reload(served):
    project, port = served
    status, body = get(port, programme_path(port))
    assert status == 200
    assert "Eerste versie van de tekst." in body
    assert "/__begroot/events" in body  # the live-reload script is added to served pages

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


def test_serve_only_serves_the_site(served):
    _, port = served
    status, _ = get(port, "/../begroot.toml")
    assert status == 404
    status, _ = get(port, "/begroot.toml")
    assert status == 404


def test_files_on_disk_have_no_reload_script(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    from begroot.build import build

    build(project, tmp_path / "site")
    for page in (tmp_path / "site").rglob("*.html"):
        assert "__begroot" not in page.read_text(encoding="utf-8")
    assert Path(tmp_path / "site" / ".begroot-site").is_file()
