"""`custtui web`: the app in a browser through textual-serve, on loopback, as the server's OS user."""

from __future__ import annotations

import os
import pwd
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import Session
from textual_serve.server import Server

from custtui.cli import EXIT_DATABASE, EXIT_UNKNOWN_USER, _is_loopback, main
from custtui.db import make_engine, migrate
from custtui.models import User

LOGIN = pwd.getpwuid(os.geteuid()).pw_name
ESCAPES = re.compile(rb"\x1b(\[[0-9;?$]*[A-Za-z]|\][^\x07]*\x07)")


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
def served(demo_url: str, tmp_path: Path) -> Iterator[Served]:
    port = _free_port()
    output, errors = tmp_path / "web.out", tmp_path / "web.err"
    with output.open("wb") as out, errors.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "custtui", "web", "--port", str(port), "--db", demo_url],
            stdout=out, stderr=err, env=_environment(), cwd=tmp_path,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, errors.read_text()
            assert time.monotonic() < deadline, "custtui web does not answer"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield Served(process, port, output, errors)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


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
def test_page_points_where_the_browser_came_from(served: Served) -> None:
    # Behind a reverse proxy: the browser's address, not 127.0.0.1:PORT.
    request = urllib.request.Request(
        f"{served.base}/", headers={"Host": "custtui.example.com", "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    assert '<script src="https://custtui.example.com/static/js/textual.js">' in page
    assert 'data-session-websocket-url="wss://custtui.example.com/ws"' in page


@pytest.mark.slow
async def test_websocket_runs_the_app_as_the_server_user(served: Served) -> None:
    async with aiohttp.ClientSession() as client:
        # Another site open in the same browser may not drive the app.
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(f"ws://127.0.0.1:{served.port}/ws", headers={"Origin": "https://evil.example"})
        assert refused.value.status == 403

        screen = b""
        async with client.ws_connect(
            f"ws://127.0.0.1:{served.port}/ws?width=80&height=24", headers={"Origin": served.base}
        ) as websocket:
            deadline = time.monotonic() + 60
            while f"{LOGIN} (admin)".encode() not in ESCAPES.sub(b"", screen):
                assert time.monotonic() < deadline, screen[-500:]
                message = await websocket.receive(timeout=60)
                assert message.type == aiohttp.WSMsgType.BINARY, message
                screen += message.data
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
    assert captured.err.startswith(f"WARNING: 0.0.0.0 is not a loopback address. textual-serve has no login of its own")
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
    assert _is_loopback(host) is loopback
