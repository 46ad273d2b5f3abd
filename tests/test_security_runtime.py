"""Hostile input at run time: a planted build-cache entry, requests to ``begroot serve`` from
elsewhere, the moment a site is swapped in, and control characters in what is printed or shown."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import socket
import stat
import sys
import threading
from pathlib import Path

import pytest

from begroot import cache

from .conftest import GOOD_FINANCE, needs_programs, write_project


# --- the build cache ---------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def cache_on(monkeypatch):
    """An earlier test's `build --no-cache`, run in this process, turns the cache off for good."""
    from begroot import cache

    monkeypatch.setattr(cache, "_disabled", False)


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(root))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return root


class _Planted:
    """Unpickling this creates a file: proof that code from the cache folder ran."""

    def __init__(self, proof: Path):
        self.proof = proof

    def __reduce__(self):
        return (Path.touch, (self.proof,))


def _plant(path: Path, payload: bytes) -> None:
    """An entry as an attacker writes it: the old format (the SHA-256 of the content first)."""
    path.write_bytes(hashlib.sha256(payload).digest() + payload)


def _entries(root: Path, kind: str) -> list[Path]:
    return [p for p in (root / kind).rglob("*") if p.is_file() and not p.name.startswith(".")]


def test_a_planted_pickle_is_never_unpickled(tmp_path, own_cache):
    from begroot.project import load_project

    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    first = load_project(project)
    assert first.problems.errors == []
    planted = _entries(own_cache, "edition")
    assert planted  # the editions are in the cache: replace them by a pickle that runs code
    proof = tmp_path / "code-ran"
    for path in planted:
        _plant(path, pickle.dumps(_Planted(proof)))
    second = load_project(project)  # what `begroot check` does
    assert not proof.exists()
    assert second.problems.errors == []
    assert second.figures["begroting-2024"].grand() == first.figures["begroting-2024"].grand()
    # the same through the object API directly
    address = "ab" * 32
    (own_cache / "page" / "ab").mkdir(parents=True, exist_ok=True)
    _plant(own_cache / "page" / "ab" / address, pickle.dumps(_Planted(proof)))
    assert cache.get_object("page", address) is None
    assert not proof.exists()


def test_an_entry_copied_to_another_address_is_a_miss(own_cache):
    a, b = cache.key("pdf", "begroting-2024"), cache.key("pdf", "begroting-2023")
    cache.put("pdf", a, b"%PDF- the 2024 edition")
    cache.put("pdf", b, b"%PDF- the 2023 edition")
    assert cache.get("pdf", b) == b"%PDF- the 2023 edition"
    path_a, path_b = (own_cache / "pdf" / x[:2] / x for x in (a, b))
    shutil.copyfile(path_a, path_b)  # the one edition's PDF over the other's
    assert cache.get("pdf", b) is None
    assert cache.get("pdf", a) == b"%PDF- the 2024 edition"
    # nor from one kind to another with the same address
    (own_cache / "page" / a[:2]).mkdir(parents=True)
    shutil.copyfile(path_a, own_cache / "page" / a[:2] / a)
    assert cache.get("page", a) is None


def test_the_cache_folder_and_key_are_private(own_cache):
    cache.put("png", "c" * 64, b"x")
    assert stat.S_IMODE(own_cache.stat().st_mode) == 0o700
    key = own_cache / cache.KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == 32
    for folder in (own_cache / "png", own_cache / "png" / "cc"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0
    assert cache.get("png", "c" * 64) == b"x"


def test_a_folder_others_can_write_is_not_used(tmp_path, monkeypatch, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(shared))
    assert cache.folder() is None
    cache.put("png", "d" * 64, b"x")
    assert list(shared.iterdir()) == []  # nothing written, no key made
    assert cache.get("png", "d" * 64) is None
    err = capsys.readouterr().err
    assert "warning:" in err and str(shared) in err and "written by other users" in err
    cache.get("png", "e" * 64)
    assert capsys.readouterr().err == ""  # warned once


def test_a_key_others_can_read_is_not_used(tmp_path, monkeypatch, capsys):
    root = tmp_path / "c"
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(root))
    cache.put("png", "f" * 64, b"x")
    os.chmod(root / cache.KEY_FILE, 0o644)
    cache._keys.clear()  # as a new process
    assert cache.get("png", "f" * 64) is None
    assert cache.folder() is None
    assert "key file can be read or written by other users" in capsys.readouterr().err


def test_a_key_that_is_a_symbolic_link_is_not_used(tmp_path, monkeypatch, capsys):
    root = tmp_path / "c"
    root.mkdir(mode=0o700)
    elsewhere = tmp_path / "known-key"
    elsewhere.write_bytes(bytes(32))
    os.chmod(elsewhere, 0o600)
    (root / cache.KEY_FILE).symlink_to(elsewhere)
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(root))
    assert cache.folder() is None
    assert "key cannot be read" in capsys.readouterr().err


def test_a_build_with_an_unsafe_cache_folder_builds_without_it(tmp_path, monkeypatch):
    import subprocess

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    result = subprocess.run([sys.executable, "-m", "begroot", "build", str(project), "--out", str(tmp_path / "site")],
                            capture_output=True, text=True, env={**os.environ, "BEGROOT_CACHE_DIR": str(shared),
                                                                 "NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    assert "building without the cache" in result.stderr and "Traceback" not in result.stderr
    assert list(shared.iterdir()) == []
    assert (tmp_path / "site" / "index.html").is_file()


# --- begroot serve -----------------------------------------------------------------------------

@pytest.fixture
def server(tmp_path):
    from begroot.serve import Reloader, make_server

    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>ok</body></html>", encoding="utf-8")
    (site / "static" / "a.css").write_text("body{}", encoding="utf-8")
    srv = make_server(site, "127.0.0.1", 0, Reloader())
    srv.RequestHandlerClass.func.timeout = 0.5  # the bound handler's: an idle client is dropped soon
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    errors = []
    srv.handle_error = lambda request, address: errors.append(sys.exc_info())  # a traceback would land here
    try:
        yield srv.server_address[1], errors
    finally:
        srv.shutdown()
        srv.server_close()


def raw(port: int, request: bytes) -> bytes:
    """Send bytes as they are (http.client would refuse some) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.mark.parametrize("path", ["/static/%00", "/static/%00.css", "/%0a", "/static/%zz", "/static/%e9",
                                  "/static/a.css%", "/../index.html", "/%2e%2e/index.html",
                                  "/static/..%2f..%2fetc%2fpasswd", "/static/%2e%2e%5cindex.html", "\x00"])
def test_malformed_paths_get_400(server, path):
    port, errors = server
    answer = raw(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
    assert status_of(answer) == 400
    assert errors == []
    assert b"Traceback" not in answer


def test_good_paths_are_still_served(server):
    port, errors = server
    for path in ("/", "/index.html", "/static/a.css", "/static/a.css?v=1"):
        answer = raw(port, f"GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n".encode())
        assert status_of(answer) == 200, path
    assert errors == []


@pytest.mark.parametrize("host,expected", [("127.0.0.1", 200), ("127.0.0.1:8000", 200), ("LOCALHOST:1", 200),
                                           ("[::1]:8000", 200), ("[::1]", 200), ("evil.example", 421),
                                           ("evil.example:8000", 421), ("127.0.0.1.evil.example", 421),
                                           ("localhost.", 421), ("", 421)])
def test_only_local_host_names_are_answered(server, host, expected):
    port, _ = server
    answer = raw(port, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    assert status_of(answer) == expected
    if expected != 200:
        assert b"ok" not in answer.split(b"\r\n\r\n", 1)[1]


def test_a_request_without_host_is_refused(server):
    port, _ = server
    assert status_of(raw(port, b"GET / HTTP/1.0\r\n\r\n")) == 421


def test_the_host_given_is_answered_too(tmp_path):
    from begroot.serve import Reloader, allowed_hosts, make_server

    assert allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "[::1]"}
    assert "0.0.0.0" in allowed_hosts("0.0.0.0")
    assert "[::1]" in allowed_hosts("::1") and "[fe80::1]" in allowed_hosts("fe80::1")
    assert "mybox" in allowed_hosts("MyBox")
    site = tmp_path / "site"
    site.mkdir()
    srv = make_server(site, "127.0.0.1", 0, Reloader())
    srv.server_close()
    assert srv.RequestHandlerClass.func.hosts == allowed_hosts("127.0.0.1")


def test_an_idle_connection_is_closed(server):
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(b"GET / HTTP/1.1\r\n")  # and then nothing more
        assert s.recv(1024) == b""  # closed by the server (timeout=0.5 in the fixture), not by this client


def test_the_handler_has_a_socket_timeout():
    from begroot.serve import Handler, IDLE_TIMEOUT

    assert Handler.timeout == IDLE_TIMEOUT and 0 < IDLE_TIMEOUT <= 120


# --- publishing without a gap ------------------------------------------------------------------

def _site(folder: Path, text: str) -> Path:
    from begroot.build import MARKER

    folder.mkdir()
    (folder / MARKER).write_text("", encoding="utf-8")
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def removed(monkeypatch):
    """The folders the swap hands over for removal, removed at once (not in another process)."""
    import begroot.build

    folders = []

    def remove(folder: Path) -> None:
        folders.append((folder, (folder / "index.html").read_text(encoding="utf-8")))
        shutil.rmtree(folder)

    monkeypatch.setattr(begroot.build, "remove_in_background", remove)
    return folders


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_site_is_exchanged_in_one_step_on_linux(tmp_path, monkeypatch, removed):
    from begroot.build import swap_in

    out = _site(tmp_path / "site", "old")
    tmp = _site(tmp_path / ".site.tmp-1", "new")
    inode = out.stat().st_ino
    renames = []
    real_rename = Path.rename
    monkeypatch.setattr(Path, "rename", lambda self, target: renames.append((self, Path(target)))
                        or real_rename(self, target))
    swap_in(tmp, out)
    assert [r for r in renames if out in r] == []  # one exchange: out is never renamed away or to
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert out.stat().st_ino != inode
    assert [text for _, text in removed] == ["old"] and not tmp.exists()
    assert removed[0][0].name == f".site.old-{os.getpid()}"  # as remove_leftovers knows it


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_site_folder_exists_throughout_the_swap(tmp_path, monkeypatch, removed):
    """A reader that looks at OUT all the time never finds it missing."""
    from begroot.build import swap_in

    out = _site(tmp_path / "site", "v0")
    missing, stop = [], threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not os.path.isfile(out / "index.html"):
                missing.append(1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for n in range(1, 201):
            swap_in(_site(tmp_path / f".site.tmp-{n}", f"v{n}"), out)
    finally:
        stop.set()
        watcher.join()
    assert (out / "index.html").read_text(encoding="utf-8") == "v200"
    assert len(removed) == 200 and missing == []


def test_without_an_exchange_the_two_renames_are_used(tmp_path, monkeypatch, removed):
    import begroot.build
    from begroot.build import swap_in

    calls = []
    monkeypatch.setattr(begroot.build, "exchange", lambda a, b: calls.append((a, b)) or False)
    out = _site(tmp_path / "site", "old")
    tmp = _site(tmp_path / ".site.tmp-1", "new")
    swap_in(tmp, out)
    assert calls == [(tmp, out)]
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert [text for _, text in removed] == ["old"] and not tmp.exists()
    # a first build: nothing to exchange with
    first = _site(tmp_path / ".new.tmp-1", "first")
    swap_in(first, tmp_path / "new")
    assert (tmp_path / "new" / "index.html").read_text(encoding="utf-8") == "first"


def test_an_exchange_the_file_system_refuses_falls_back(tmp_path, monkeypatch, removed):
    import errno

    import begroot.build

    class Refusing:
        def __call__(self, *args):
            import ctypes

            ctypes.set_errno(errno.EINVAL)
            return -1

    monkeypatch.setattr(begroot.build, "_renameat2", lambda: Refusing())
    out = _site(tmp_path / "site", "old")
    assert begroot.build.exchange(_site(tmp_path / "x", "x"), out) is False
    begroot.build.swap_in(_site(tmp_path / ".site.tmp-1", "new"), out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert [text for _, text in removed] == ["old"]


# --- control characters, theme values, the PDF's running header --------------------------------

HOSTILE = "\x1b[31mrood\x07"
CONTROL_BYTES = [b"\x1b", b"\x07", b"\x9b", b"\x0d"]

# a proven subtotal (the sum of the lasten above it), so that its warning quotes the cell
HOSTILE_FINANCE = GOOD_FINANCE + f'"Totaal {HOSTILE}\r";Lasten;7.200,50\n'


def test_check_prints_no_control_characters(tmp_path):
    import subprocess

    project = write_project(tmp_path / "p", finance=HOSTILE_FINANCE,
                            programmes="code;naam;hoofdprogramma;taakvelden;soort\n"
                                       f"1;Veiligheid {HOSTILE};;1.*;programma\n2;Sociaal;;4.* 6.*;programma\n"
                                       "OH;Overhead;;0.* 0.4;overzicht\n")
    result = subprocess.run([sys.executable, "-m", "begroot", "check", str(project)], capture_output=True,
                            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "300"})
    output = result.stdout + result.stderr
    assert b"is the total of rows 2" in output  # the warning that quotes the cell
    assert b"Traceback" not in output
    for byte in CONTROL_BYTES:
        assert byte not in output.replace(b"\r\n", b"\n"), byte
    # removed where the file is read, and named: the writer learns what the cell held
    assert b"invisible control characters were removed: U+0007 (a control character), U+001B" in output


def test_pages_and_the_colophon_carry_no_control_characters(tmp_path):
    from begroot.build import build

    project = write_project(tmp_path / "p", finance=HOSTILE_FINANCE,
                            programmes="code;naam;hoofdprogramma;taakvelden;soort\n"
                                       f"1;Veiligheid {HOSTILE};;1.*;programma\n2;Sociaal;;4.* 6.*;programma\n"
                                       "OH;Overhead;;0.* 0.4;overzicht\n")
    site = tmp_path / "site"
    result = build(project, site)
    assert any(w.code == "subtotal-row" for w in result.problems.warnings)
    colophon = (site / "over" / "index.html").read_text(encoding="utf-8")
    assert "is the total of rows 2" in colophon and "U+001B (a control character)" in colophon
    pages = list(site.rglob("*.html"))
    assert any("Veiligheid [31mrood" in p.read_text(encoding="utf-8") for p in pages)  # the title, cleaned
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for ch in ("\x1b", "\x07", "\x9b"):
            assert ch not in text, (page, ch)


def test_problem_lines_and_terminal_tables_write_controls_out():
    import io

    from rich.console import Console

    from begroot.errors import Problem, Severity, grouped_lines
    from begroot.render.terminal import Table, _Printable

    problem = Problem(Severity.WARNING, "a\x1b]0;title\x07.csv", 2, "Naam\r", "bad \x9b2J cell\nerror: forged")
    line = problem.format()
    assert "\x1b" not in line and "\x07" not in line and "\r" not in line and "\n" not in line and "\x9b" not in line
    assert "\\x1b]0;title\\x07" in line and "\\x0a" in line
    many = [Problem(Severity.ERROR, "f\x1b.csv", row, "c\x07", "x") for row in range(2, 10)]
    assert all("\x1b" not in x and "\x07" not in x for x in grouped_lines(many))
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=200)
    table = Table()
    table.add_column("kop \x1b[1m")
    table.add_row("[link=https://evil.example]klik[/link] \x1b[31m\x07")
    _Printable(console).print(table)
    _Printable(console).print("[bold]titel[/bold] \x1b[2J")
    out = buffer.getvalue()
    assert "\x1b" not in out and "\x07" not in out
    assert "[link=https://evil.example]klik[/link]" in out and "[bold]titel[/bold]" in out  # not markup


@pytest.mark.parametrize("setting", ['font_family = "Sans\\n} @font-face { src: url(https://evil.example/f) } x {"',
                                     'font_family = "Sans; background: url(https://evil.example/)"',
                                     'font_family = "Sans{"',
                                     'primary_color = "#123"; \\n"',
                                     'primary_color = "red; background: url(https://evil.example/)"',
                                     'primary_color = "#12345"',
                                     'primary_color = "url(x)"'])
def test_theme_values_that_are_not_colours_or_font_names_are_refused(tmp_path, setting):
    from begroot.project import load_project

    from .conftest import BASE_TOML, LONG_SOURCE

    setting = setting.replace('"#123"; \\n"', '"#123\\n"')
    project = write_project(tmp_path / "p", toml=BASE_TOML + LONG_SOURCE + "\n[theme]\n" + setting + "\n",
                            finance=GOOD_FINANCE)
    loaded = load_project(project)
    assert loaded.budget is None
    assert [p.code for p in loaded.problems.errors] == ["config-invalid"]
    assert "theme" in loaded.problems.errors[0].format()


def test_theme_values_that_are_colours_and_font_lists_are_written_safely(tmp_path):
    from begroot.build import build

    from .conftest import BASE_TOML, LONG_SOURCE

    theme = """\n[theme]\nprimary_color = "navy"\nfont_family = "'Rijksoverheid Sans', \\"Noto Sans\\", Arial-2"\n"""
    project = write_project(tmp_path / "p", toml=BASE_TOML + LONG_SOURCE + theme, finance=GOOD_FINANCE)
    build(project, tmp_path / "site")
    css = (tmp_path / "site" / "static" / "theme.css").read_text(encoding="utf-8")
    assert '--begroot-primary: navy;' in css
    assert '--font-body: "Rijksoverheid Sans", "Noto Sans", "Arial-2", system-ui, sans-serif;' in css
    assert "&#" not in css
    for colour in ("#abc", "#01689B", "Teal"):
        from begroot.config import Theme

        assert Theme(primary_color=colour).primary_color == colour


def _pdf_header_html(tmp_path) -> str:
    """The PDF's HTML of a project whose name has a quote, an ampersand and a closing style tag."""
    from begroot.build import build_time
    from begroot.project import load_project
    from begroot.publish.pdf import edition_pdf_html

    from .conftest import BASE_TOML, LONG_SOURCE

    toml = BASE_TOML.replace('name = "Gemeente Voorbeeld"', 'name = "\'s-Hertogenbosch & Co \\"</style>"')
    project = write_project(tmp_path / "p", toml=toml + LONG_SOURCE, finance=GOOD_FINANCE)
    loaded = load_project(project)
    assert loaded.budget is not None, loaded.problems.items
    return edition_pdf_html(loaded.budget, loaded.figures, "begroting-2024", build_time())


def test_the_pdf_header_escapes_the_name_once(tmp_path):
    html = _pdf_header_html(tmp_path)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    header = next(line for line in style.splitlines() if "@top-right" in line)
    assert "&#39;" not in header and "&amp;" not in header and "&#34;" not in header and "</" not in header
    assert r'content: "\27 s-Hertogenbosch \26  Co \22 \3c /style\3e  · ' in header


@needs_programs("pdftotext")
def test_the_pdf_header_shows_the_name_once_escaped(tmp_path):
    import subprocess

    import weasyprint

    pdf = tmp_path / "e.pdf"
    weasyprint.HTML(string=_pdf_header_html(tmp_path)).write_pdf(pdf)
    text = subprocess.run(["pdftotext", "-l", "3", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "'s-Hertogenbosch & Co \"</style> ·" in text.replace("\u2019", "'")
    assert "&#39;" not in text and "&amp;" not in text


@needs_programs("pdftotext")
def test_the_typst_pdf_header_shows_the_name_once_escaped(tmp_path):
    """The default engine's running header (and cover) show the name as written: no entity, no
    second escape, nothing read as Typst markup."""
    import subprocess

    from begroot.build import build_time
    from begroot.project import load_project
    from begroot.publish.pdf import write_pdf

    from .conftest import BASE_TOML, LONG_SOURCE

    toml = BASE_TOML.replace('name = "Gemeente Voorbeeld"', 'name = "\'s-Hertogenbosch & Co \\"</style> #x *y*"')
    loaded = load_project(write_project(tmp_path / "p", toml=toml + LONG_SOURCE, finance=GOOD_FINANCE))
    assert loaded.budget.config.site.pdf_engine == "typst"
    pdf = write_pdf(loaded.budget, loaded.figures, "begroting-2024", tmp_path / "e.pdf", build_time())
    header = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    assert "'s-Hertogenbosch & Co \"</style> #x *y* · Begroting 2024" in header  # the running header
    assert "&#39;" not in header and "&amp;" not in header and "\\" not in header
