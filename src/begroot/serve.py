"""``begroot serve``: build, serve on localhost, rebuild on change and reload the open page.

Only the built site is served (the standard library's handler refuses paths outside it). A
request whose path is malformed (a NUL or other control character, bad percent-encoding, a ``..``
segment) gets 400; one whose ``Host`` is not this machine's (DNS rebinding: a page elsewhere that
points its own name at 127.0.0.1) gets 421; a connection that sends nothing is closed after
:data:`IDLE_TIMEOUT` seconds. HTML responses get a small script that listens on ``/__begroot/events`` (server-sent events) and
reloads the page after a successful rebuild; the files on disk never contain it.
"""

from __future__ import annotations

import functools
import re
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

EVENTS = "/__begroot/events"
RELOAD_JS = "/__begroot/reload.js"
RELOAD_SCRIPT = f'<script src="{RELOAD_JS}"></script>'.encode()
RELOAD_BODY = (f"(function(){{var s=new EventSource('{EVENTS}');"
               "s.onmessage=function(){location.reload();};})();\n").encode()

#: Sent with every response, and shipped as example server configuration in docs/deploy/:
#: nothing may come from another host, and nothing runs but the site's own files.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' "
                               "'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                               "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


#: Seconds a connection may wait for its request (or a read of it) before it is closed.
IDLE_TIMEOUT = 30

#: The Host names a request may give (with any port), besides the --host served on.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")  # in the request line, a space too (sent as %20)
_DECODED_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def path_problem(target: str) -> str | None:
    """Why a request's target is not a path begroot serves, or None when it is well-formed."""
    from urllib.parse import unquote

    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        return "the path must start with a single /"
    if _BAD_ESCAPE.search(path) or _CONTROL.search(path):
        return "the path has bad percent-encoding or a control character"
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return "the path is not UTF-8"
    if _DECODED_CONTROL.search(decoded):
        return "the path has a control character"
    if any(part in ("..", ".") for part in re.split(r"[/\\]", decoded)):
        return "the path has a . or .. segment"
    return None


def host_name(header: str) -> str:
    """The name of a Host header without its port, lower case ("[::1]:8000" -> "[::1]")."""
    value = header.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[:end + 1] if end > 0 else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed_hosts(host: str) -> frozenset[str]:
    """The Host names answered when serving on ``host``: the local names and ``host`` itself."""
    return LOCAL_HOSTS | {host_name(f"[{host}]" if ":" in host else host)}  # an IPv6 address is written [..]


class Reloader:
    """A version counter that wakes every waiting browser when the site was rebuilt."""

    def __init__(self) -> None:
        self.version = 0
        self._cond = threading.Condition()
        self.closed = False

    def bump(self) -> None:
        with self._cond:
            self.version += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen or self.closed, timeout=timeout)
            return self.version

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


class Handler(SimpleHTTPRequestHandler):
    reloader: Reloader
    hosts: frozenset[str] = LOCAL_HOSTS  # the Host names answered (see make_server)
    timeout = IDLE_TIMEOUT  # the socket's: an idle or slow client does not hold a thread forever

    def parse_request(self) -> bool:
        """The stdlib's parsing, plus: a well-formed path and a Host of this machine's."""
        if not super().parse_request():
            return False
        problem = path_problem(self.path)
        if problem is not None:
            self.send_error(HTTPStatus.BAD_REQUEST, problem)
            return False
        if host_name(self.headers.get("Host", "")) not in self.hosts:
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "this server only answers to its local name",
                            "begroot serve answers requests for localhost, 127.0.0.1, [::1] and its --host")
            return False
        return True

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass  # keep the terminal for build messages

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def translate_path(self, path: str) -> str:
        """The stdlib's mapping, plus: nothing outside the site, not even through a symlink."""
        translated = Path(super().translate_path(path))
        root = Path(self.directory).resolve()
        try:
            resolved = translated.resolve()
        except (OSError, ValueError):  # ValueError: a NUL (refused before, by parse_request)
            return str(root / "__missing__")
        if resolved != root and root not in resolved.parents:
            return str(root / "__outside__")  # answered with 404
        return str(translated)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        if self.path.split("?")[0] in (EVENTS, RELOAD_JS):
            self.send_response(HTTPStatus.OK)
            self.end_headers()
            return None
        return super().do_HEAD()

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path.split("?")[0] == EVENTS:
            return self._events()
        if self.path.split("?")[0] == RELOAD_JS:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(RELOAD_BODY)))
            self.end_headers()
            self.wfile.write(RELOAD_BODY)
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().do_GET()  # the stdlib redirects to the slash form
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().do_GET()

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.reloader.version
        try:
            while not self.reloader.closed:
                now = self.reloader.wait(seen, timeout=15)
                if now != seen:
                    seen = now
                    self.wfile.write(b"data: reload\n\n")
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


def make_server(site: Path, host: str, port: int, reloader: Reloader,
                timeout: float = IDLE_TIMEOUT) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"reloader": reloader, "hosts": allowed_hosts(host),
                                                "timeout": timeout})
    factory = functools.partial(handler, directory=str(site))
    server = ThreadingHTTPServer((host, port), factory)
    server.daemon_threads = True
    return server


def watch_and_rebuild(project: Path, rebuild: Callable[[], bool], reloader: Reloader,
                      stop: threading.Event, ignore: list[Path]) -> None:
    """Rebuild whenever a file in the project changes (ignoring the output folder)."""
    from watchfiles import watch

    ignored = [p.resolve() for p in ignore]

    def interesting(_change, path: str) -> bool:
        p = Path(path).resolve()
        if any(part.startswith(".") for part in p.relative_to(project.resolve()).parts):
            return False
        return not any(p == i or i in p.parents for i in ignored)

    for _changes in watch(project, watch_filter=interesting, stop_event=stop, debounce=150, step=50):
        if rebuild():
            reloader.bump()
