"""`custtui web`: the app in a browser through textual-serve, on loopback, as the server's OS user."""

from __future__ import annotations

import asyncio
import gc
import http.client
import os
import pwd
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import Session
from textual_serve.server import Server

from custtui import webserve
from custtui.cli import EXIT_DATABASE, EXIT_UNKNOWN_USER, main
from custtui.db import make_engine, migrate
from custtui.models import User
from custtui.webserve import WebServer, host_header_name, is_loopback, sessions_full_message

LOGIN = pwd.getpwuid(os.geteuid()).pw_name
ESCAPES = re.compile(rb"\x1b(\[[0-9;?$]*[A-Za-z]|\][^\x07]*\x07)")
# The headers of a browser's websocket handshake (as curl sends them by hand).
UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment() -> dict[str, str]:
    environment = {**os.environ, "CUSTTUI_LANG": "en"}
    environment.pop("CUSTTUI_DATABASE_URL", None)
    return environment


@pytest.fixture
def demo_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A demo database whose only user, admin, is the OS login running the tests."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    assert main(["demo", "--customers", "30", "--db", url]) == 0
    capsys.readouterr()
    return url


class Served:
    def __init__(self, process: subprocess.Popen[bytes], port: int, output: Path, errors: Path) -> None:
        self.process = process
        self.port = port
        self.output = output
        self.errors = errors

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def serve(demo_url: str, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Starts `custtui web` on a free loopback port with more options; stopped after the test."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(*options: str) -> Served:
        port = _free_port()
        output, errors = tmp_path / f"web{port}.out", tmp_path / f"web{port}.err"
        with output.open("wb") as out, errors.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "custtui", "web", "--port", str(port), "--db", demo_url, *options],
                stdout=out, stderr=err, env=_environment(), cwd=tmp_path,
            )
        processes.append(process)
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, errors.read_text()
            assert time.monotonic() < deadline, "custtui web does not answer"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        return Served(process, port, output, errors)

    try:
        yield start
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


@pytest.fixture
def served(serve: Callable[..., Served]) -> Served:
    return serve()


def _get(served: Served, path: str, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, str]:
    """GET with exactly these headers (Host too, as an attacker's browser or curl sends it): status, headers, body."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=20)
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{served.port}", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode(errors="replace")
    finally:
        connection.close()


async def _until_app_runs(websocket: aiohttp.ClientWebSocketResponse) -> bytes:
    """Reads the app's output until the status bar shows the server's user."""
    screen = b""
    deadline = time.monotonic() + 60
    while f"{LOGIN} (admin)".encode() not in ESCAPES.sub(b"", screen):
        assert time.monotonic() < deadline, screen[-500:]
        message = await websocket.receive(timeout=60)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        screen += message.data
    return screen


@pytest.mark.slow
def test_serves_the_textual_page_on_loopback(served: Served) -> None:
    with urllib.request.urlopen(f"{served.base}/", timeout=10) as response:
        assert response.status == 200
        page = response.read().decode()
    assert f'<script src="{served.base}/static/js/textual.js">' in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
    assert "<div>custtui</div>" in page  # the title
    with urllib.request.urlopen(f"{served.base}/static/js/textual.js", timeout=10) as script:
        assert script.status == 200
    lines = served.output.read_text().splitlines()
    assert lines[0] == f"Serving custtui on {served.base} as the user {LOGIN}; ctrl+c stops."
    assert lines[1].startswith("textual-serve has no login of its own: keep it on this loopback address")
    assert "WARNING" not in served.errors.read_text()


@pytest.mark.slow
def test_page_has_a_strict_content_security_policy(served: Served) -> None:
    status, headers, _page = _get(served, "/")
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "font-src 'self'" in policy
    assert f"connect-src 'self' ws://127.0.0.1:{served.port}" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.slow
def test_page_loads_nothing_from_elsewhere(served: Served) -> None:
    # Offline use, and no third party learns who opens custtui: no Google font.
    status, _headers, page = _get(served, "/")
    assert status == 200
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page
    fetched = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']|url\(\s*["']?([^"')]*)""", page)
    urls = [first or second for first, second in fetched]
    assert f"{served.base}/static/js/textual.js" in urls
    assert f"{served.base}/static/css/xterm.css" in urls
    assert f"{served.base}/static/fonts/RobotoMono-VariableFont_wght.ttf" in urls  # the font textual-serve ships
    assert all(url.startswith(f"{served.base}/") for url in urls), urls
    # No other absolute URL anywhere but the SVG namespace name (never fetched).
    absolute = set(re.findall(r"https?://[^\s\"'<>)]+", page)) - {"http://www.w3.org/2000/svg"}
    assert all(url.startswith(f"{served.base}/") for url in absolute), absolute
    for url in {url.removeprefix(served.base) for url in urls}:
        assert _get(served, url)[0] == 200, url


@pytest.mark.slow
def test_dns_rebinding_requests_are_refused(served: Served) -> None:
    # A page on evil.example whose name now resolves to 127.0.0.1: the browser
    # sends Host and Origin with the attacker's name. Nothing is served to it.
    evil = f"evil.example:{served.port}"
    status, _headers, body = _get(served, "/ws", {"Host": evil, "Origin": f"http://{evil}", **UPGRADE})
    assert status == 403
    assert "custtui does not answer to this host name" in body and "--public-url" in body
    assert _get(served, "/", {"Host": evil})[0] == 403
    assert _get(served, "/static/js/textual.js", {"Host": evil})[0] == 403
    assert _get(served, "/download/anything", {"Host": evil})[0] == 403
    assert _get(served, "/", {"Host": "EVIL.example."})[0] == 403
    assert _get(served, "/", {"Host": "evil.example@127.0.0.1"})[0] == 403  # not a host name at all
    assert _get(served, "/", {"Host": "custtui.example.com"})[0] == 403  # a proxy's name needs --public-url
    lines = served.output.read_text()
    assert "Traceback" not in lines and "Traceback" not in served.errors.read_text()


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost.:{port}", "[::1]:{port}", "127.0.0.1", "10.1.2.3:80"]
)
@pytest.mark.slow
def test_loopback_names_and_ip_addresses_are_served(served: Served, host: str) -> None:
    host = host.format(port=served.port)
    status, _headers, page = _get(served, "/", {"Host": host})
    assert status == 200
    assert f'<script src="http://{host}/static/js/textual.js">' in page
    assert _get(served, "/static/js/textual.js", {"Host": host})[0] == 200


@pytest.mark.slow
def test_legitimate_websocket_handshake_is_accepted(served: Served) -> None:
    status, _headers, _body = _get(served, "/ws", {"Origin": served.base, **UPGRADE})
    assert status == 101
    status, _headers, _body = _get(
        served, "/ws", {"Host": f"localhost:{served.port}", "Origin": f"http://localhost:{served.port}", **UPGRADE}
    )
    assert status == 101
    # Another origin than the page's own, also one of our names or another port: refused.
    for origin in (f"http://localhost:{served.port}", f"http://127.0.0.1:{served.port + 1}", "null"):
        assert _get(served, "/ws", {"Origin": origin, **UPGRADE})[0] == 403, origin


@pytest.mark.slow
def test_forwarded_proto_still_chooses_https_but_forwarded_host_is_ignored(served: Served) -> None:
    status, _headers, page = _get(served, "/", {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
    assert status == 200
    assert f'<script src="https://127.0.0.1:{served.port}/static/js/textual.js">' in page
    assert f'data-session-websocket-url="wss://127.0.0.1:{served.port}/ws"' in page
    assert "evil.example" not in page
    status, _headers, page = _get(served, "/", {"X-Forwarded-Proto": "javascript"})
    assert f'<script src="{served.base}/static/js/textual.js">' in page


@pytest.mark.slow
def test_public_url_names_the_proxy(serve: Callable[..., Served]) -> None:
    # Behind a reverse proxy that passes its own Host: --public-url allows it.
    served = serve("--public-url", "https://custtui.example.com/")
    proxied = {"Host": "custtui.example.com", "X-Forwarded-Proto": "https"}
    status, headers, page = _get(served, "/", proxied)
    assert status == 200
    assert '<script src="https://custtui.example.com/static/js/textual.js">' in page
    assert 'data-session-websocket-url="wss://custtui.example.com/ws"' in page
    assert "connect-src 'self' wss://custtui.example.com" in headers["Content-Security-Policy"]
    assert _get(served, "/static/js/textual.js", proxied)[0] == 200
    assert _get(served, "/ws", {**proxied, "Origin": "https://custtui.example.com", **UPGRADE})[0] == 101
    assert _get(served, "/ws", {**proxied, "Origin": "https://custtui.example.com:443", **UPGRADE})[0] == 101
    for origin in ("https://evil.example", "http://custtui.example.com", "https://custtui.example.com:8443"):
        assert _get(served, "/ws", {**proxied, "Origin": origin, **UPGRADE})[0] == 403, origin
    assert _get(served, "/", {"Host": "evil.example"})[0] == 403


@pytest.mark.slow
async def test_max_sessions_refuses_a_websocket_beyond_the_cap(serve: Callable[..., Served]) -> None:
    served = serve("--max-sessions", "1")
    full = "custtui allows 1 session and it is in use; close the other tab or try again later."
    url = f"ws://127.0.0.1:{served.port}/ws?width=80&height=24"
    async with aiohttp.ClientSession() as client:
        async with client.ws_connect(url, headers={"Origin": served.base}) as first:
            await _until_app_runs(first)
            status, headers, body = await asyncio.to_thread(_get, served, "/ws", {"Origin": served.base, **UPGRADE})
            assert (status, body) == (503, full)
            status, headers, page = await asyncio.to_thread(_get, served, "/")
            assert status == 503 and headers["Content-Type"].startswith("text/html")
            assert f"<p>{full}</p>" in page
            assert "Content-Security-Policy" in headers
        # The first tab closed: its slot is free again once its app stopped.
        deadline = time.monotonic() + 30
        while (await asyncio.to_thread(_get, served, "/"))[0] != 200:
            assert time.monotonic() < deadline, "the session's slot is not freed"
            await asyncio.sleep(0.2)
        async with client.ws_connect(url, headers={"Origin": served.base}) as second:
            await _until_app_runs(second)


@pytest.mark.slow
async def test_websocket_runs_the_app_as_the_server_user(served: Served) -> None:
    async with aiohttp.ClientSession() as client:
        # Another site open in the same browser may not drive the app.
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(f"ws://127.0.0.1:{served.port}/ws", headers={"Origin": "https://evil.example"})
        assert refused.value.status == 403

        async with client.ws_connect(
            f"ws://127.0.0.1:{served.port}/ws?width=80&height=24", headers={"Origin": served.base}
        ) as websocket:
            screen = await _until_app_runs(websocket)
    text = ESCAPES.sub(b"", screen).decode(errors="replace")
    assert "custtui" in text and "Name" in text  # the title bar and the customer list's columns


@pytest.mark.parametrize(
    ("url", "message"),
    [("nosuchdb://x/y", "Cannot use database URL nosuchdb://x/y"), ("not a url", "Not a database URL: not a url")],
)
@pytest.mark.slow
def test_bad_database_url_exits_2_before_serving(url: str, message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "custtui", "web", "--port", str(_free_port()), "--db", url],
        capture_output=True, text=True, env=_environment(), timeout=60,
    )
    assert result.returncode == EXIT_DATABASE
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "Serving" not in result.stdout


def test_unknown_user_exits_3_before_serving(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        session.add(User(login="someone-else", role="admin"))
        session.commit()
    engine.dispose()
    assert main(["web", "--db", url]) == EXIT_UNKNOWN_USER
    assert f"User '{LOGIN}' is not allowed" in capsys.readouterr().err


@pytest.fixture
def not_serving(monkeypatch: pytest.MonkeyPatch) -> list[Server]:
    """Server.serve records the server instead of listening."""
    servers: list[Server] = []
    monkeypatch.setattr(Server, "serve", lambda self, debug=False: servers.append(self))
    # `custtui web` hands the URL to the apps through the environment.
    monkeypatch.setenv("CUSTTUI_DATABASE_URL", "restored after the test")
    return servers


def test_each_browser_runs_this_custtui_on_the_same_database(
    demo_url: str, not_serving: list[Server], capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()
    assert main(["web", "--port", str(port), "--db", demo_url, "--lang", "en"]) == 0
    (server,) = not_serving
    assert shlex.split(server.command) == [sys.executable, "-m", "custtui", "run", "--lang", "en"]
    assert os.environ["CUSTTUI_DATABASE_URL"] == demo_url  # inherited by the apps; `ps` shows no URL
    assert (server.host, server.port) == ("127.0.0.1", port)


def test_non_loopback_host_warns_on_stderr(
    demo_url: str, not_serving: list[Server], capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()
    assert main(["web", "--host", "0.0.0.0", "--port", str(port), "--db", demo_url]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"Serving custtui on http://0.0.0.0:{port} as the user {LOGIN}")
    assert captured.err.startswith("WARNING: 0.0.0.0 is not a loopback address. textual-serve has no login of its own")
    assert f"anyone who can reach port {port} works in custtui as {LOGIN}" in captured.err


def test_busy_port_is_a_message(demo_url: str, not_serving: list[Server], capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["web", "--port", str(port), "--db", demo_url]) == 1
    assert capsys.readouterr().err.startswith(f"custtui: Cannot listen on 127.0.0.1:{port}:")
    assert not_serving == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("custtui.example.com", False)],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:8000", "127.0.0.1"), ("LocalHost.:8000", "localhost"), ("[::1]:8000", "::1"), ("[::1]", "::1"),
     ("Custtui.Example.COM", "custtui.example.com"), ("", None), (None, None), ("evil@127.0.0.1", None),
     ("a b", None), ("::1", None), ("127.0.0.1:80/x", None)],
)
def test_host_header_names(header: str | None, name: str | None) -> None:
    assert host_header_name(header) == name


@pytest.mark.parametrize(
    ("options", "name", "allowed"),
    [
        ({}, "localhost", True), ({}, "127.0.0.1", True), ({}, "127.9.9.9", True), ({}, "::1", True),
        ({}, "192.168.1.10", True), ({}, "evil.example", False), ({}, "localhost.evil.example", False),
        ({}, "custtui.example.com", False), ({}, None, False),
        ({"public_url": "https://Custtui.Example.com."}, "custtui.example.com", True),
        ({"public_url": "https://custtui.example.com"}, "evil.example", False),
        ({"host": "custtui.lan"}, "custtui.lan", True),
        ({"host": "0.0.0.0"}, "custtui.lan", False),
    ],
)
def test_allowed_host_names(options: dict[str, str], name: str | None, allowed: bool) -> None:
    server = WebServer("true", host=options.get("host", "127.0.0.1"), port=8000, public_url=options.get("public_url"))
    assert server.host_allowed(name) is allowed


def test_sessions_full_message() -> None:
    assert sessions_full_message(8) == "All 8 sessions of custtui are in use; close another tab or try again later."
    assert sessions_full_message(1) == "custtui allows 1 session and it is in use; close the other tab or try again later."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--public-url", "custtui.example.com"], "must be an http:// or https:// address"),
        (["--public-url", "ftp://x.example"], "must be an http:// or https:// address"),
        (["--max-sessions", "0"], "must be at least 1"),
    ],
)
def test_bad_web_options_are_refused(options: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["web", *options])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_public_url_and_max_sessions_reach_the_server(demo_url: str, not_serving: list[Server]) -> None:
    port = _free_port()
    assert main(["web", "--port", str(port), "--db", demo_url, "--public-url", "https://c.example/", "--max-sessions", "3"]) == 0
    (server,) = not_serving
    assert isinstance(server, WebServer)
    assert (server.fixed_public_url, server.max_sessions) == ("https://c.example", 3)
    assert server.templates_path == Path(webserve.__file__).parent / "web_templates"
    assert (server.templates_path / "app_index.html").is_file()


async def test_sessions_are_counted_under_concurrency() -> None:
    """Many tabs at once: exactly max_sessions get an app, the others 503; closed ones free their slot."""
    from aiohttp.test_utils import TestServer

    # A stand-in app that runs until textual-serve asks it to quit (its first byte on stdin).
    server = WebServer("head -c 1 >/dev/null", host="127.0.0.1", port=0, max_sessions=2)
    async with TestServer(await server._make_app(), host="127.0.0.1") as test_server:
        url = f"ws://127.0.0.1:{test_server.port}/ws"
        async with aiohttp.ClientSession() as client:
            results = await asyncio.gather(*(client.ws_connect(url) for _ in range(6)), return_exceptions=True)
            accepted = [result for result in results if isinstance(result, aiohttp.ClientWebSocketResponse)]
            refused = [result for result in results if isinstance(result, aiohttp.WSServerHandshakeError)]
            assert (len(accepted), [error.status for error in refused]) == (2, [503] * 4)
            assert server.sessions == 2
            for websocket in accepted:
                await websocket.close()
            deadline = time.monotonic() + 10
            while server.sessions:
                assert time.monotonic() < deadline, server.sessions
                await asyncio.sleep(0.05)
            again = await client.ws_connect(url)
            assert server.sessions == 1
            await again.close()
            while server.sessions:
                await asyncio.sleep(0.05)
    # textual-serve leaves its ended processes' pipes to the garbage collector:
    # collect them while this test's event loop still runs.
    gc.collect()
    await asyncio.sleep(0.1)
