"""A build killed midway (SIGKILL) leaves the previous site intact; the next build cleans up."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.generate import Size, write_city


def digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def build_cmd(project: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "begroot", "--quiet", "build", str(project), "--out", str(site)]


def test_sigkill_midway_leaves_the_previous_site(tmp_path):
    project = tmp_path / "city"
    write_city(project, Size(programmes=20, deel=20, editions=1, lines=20_000, words=60))
    site = tmp_path / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    subprocess.run(build_cmd(project, site), check=True, env=env, timeout=120)
    before = digest(site)
    # change the input so that a finished build would differ
    text = project / "begroting-2021" / "teksten" / "1-doelstelling.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nNieuw.\n", encoding="utf-8")

    proc = subprocess.Popen(build_cmd(project, site), env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        temporaries = list(tmp_path.glob(".site.tmp-*"))
        if temporaries and any(temporaries[0].rglob("index.html")):
            break  # pages are being written
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert temporaries, "the build finished before it could be killed"
    assert digest(site) == before  # the previous site is untouched

    subprocess.run(build_cmd(project, site), check=True, env=env, timeout=120)
    assert list(tmp_path.glob(".site.tmp-*")) == []  # the killed build's folder was cleaned up
    deadline = time.monotonic() + 60  # the replaced site is removed by a process of its own
    while list(tmp_path.glob(".site.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".site.*")) == []
    programme_1 = next(p for p in (site / "begroting-2021" / "programma").iterdir()
                       if p.name.startswith("1-") and not p.name[2].isdigit())
    assert "Nieuw." in (programme_1 / "index.html").read_text(encoding="utf-8")
