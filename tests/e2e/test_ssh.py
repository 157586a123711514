"""custtui over a real OpenSSH server, set up with deploy/'s snippet and wrapper.

Each test starts /usr/sbin/sshd on 127.0.0.1 at a free port with its own host
key, client key and config. The config includes deploy/sshd_config.d/custtui.conf
itself, with only `Match Group custtui` turned into `Match User <this login>`
and the ForceCommand pointed at a copy of deploy/custtui-ssh whose paths lead
to this venv's custtui and to a test database. The client is the real ssh,
inside a detached 80x24 tmux session whose screen is read with capture-pane.

As root (CI), sshd runs as usual and logs root in with a key (PermitRootLogin
prohibit-password). As another user, sshd runs unprivileged and logs in that
same user; it can give a terminal only where new ptys belong to group tty
(devpts gid=5), else the terminal tests skip. Without sshd, ssh, ssh-keygen or
tmux they skip too. Under CI=true every such skip is a failure instead.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sysconfig
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ci_policy import IN_CI
from sqlalchemy import Engine, select
from sqlmodel import Session

from custtui.demo import generate_demo
from custtui.models import Customer, Role, User

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SNIPPET = REPO / "deploy" / "sshd_config.d" / "custtui.conf"
WRAPPER = REPO / "deploy" / "custtui-ssh"
CUSTTUI = Path(sysconfig.get_path("scripts")) / "custtui"  # this venv's entry point
LOGIN = pwd.getpwuid(os.geteuid()).pw_name
IS_ROOT = os.geteuid() == 0
TIMEOUT = 20.0
CUSTOMERS = 30


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"The SSH test is required in CI: {reason}")
    pytest.skip(reason)


def _tool(name: str, *fallbacks: str) -> str:
    for candidate in (shutil.which(name), *fallbacks):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    _unavailable(f"{name} is not installed (apt-get install openssh-server openssh-client tmux)")
    raise AssertionError  # not reached


# --- the server -----------------------------------------------------------------


@dataclass
class SshServer:
    folder: Path
    port: int
    key: Path
    url_file: Path
    log: Path
    ssh: str
    process: subprocess.Popen[bytes] | None = None

    def use_database(self, url: str) -> None:
        """What the wrapper reads at each login, as /etc/custtui/database-url."""
        self.url_file.write_text(f"# the test database\n\n  {url}  \n", encoding="utf-8")

    def command(self, *options: str, remote: str | None = None) -> list[str]:
        """The ssh command line; never the user's own config, keys, agent or known hosts."""
        args = [
            self.ssh, "-F", "/dev/null", "-p", str(self.port), "-i", str(self.key),
            "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
            *options, f"{LOGIN}@127.0.0.1",
        ]
        return args if remote is None else [*args, remote]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else "(no log)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _keygen(keygen: str, path: Path) -> None:
    subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", "custtui-test", "-f", str(path)], check=True, timeout=30)


def _test_wrapper(folder: Path, url_file: Path) -> Path:
    """deploy/custtui-ssh with its paths pointed at this venv and the test's URL file."""
    text = WRAPPER.read_text(encoding="utf-8")
    for name, value in (("CUSTTUI", CUSTTUI), ("URL_FILE", url_file)):
        text, count = re.subn(rf"^{name}=.*$", f"{name}={shlex.quote(str(value))}", text, flags=re.MULTILINE)
        assert count == 1, f"deploy/custtui-ssh should set {name}= once"
    path = folder / "custtui-ssh"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def _test_snippet(folder: Path, wrapper: Path) -> Path:
    """deploy/sshd_config.d/custtui.conf, matching this login and forcing the test wrapper."""
    text = SNIPPET.read_text(encoding="utf-8")
    text, matches = re.subn(r"^Match Group custtui$", f"Match User {LOGIN}", text, flags=re.MULTILINE)
    text, forces = re.subn(
        r"^(\s*)ForceCommand /usr/local/bin/custtui-ssh$", rf"\1ForceCommand {wrapper}", text, flags=re.MULTILINE
    )
    assert (matches, forces) == (1, 1), (
        "the snippet should hold `Match Group custtui` and `ForceCommand /usr/local/bin/custtui-ssh`"
    )
    path = folder / "custtui.conf"
    path.write_text(text, encoding="utf-8")
    return path


def _main_config(path: Path, port: int, host_key: Path, authorized_keys: Path, include: Path) -> Path:
    """Like Debian's sshd_config: the snippet included first, then the global settings."""
    folder = path.parent
    path.write_text(
        "\n".join(
            [
                f"Include {include}",
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {authorized_keys}",
                "StrictModes no",
                "UsePAM no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "PrintMotd no",
                "PrintLastLog no",
                "LogLevel VERBOSE",
                # Debian's own lines after the Include: the snippet's Match must not swallow them.
                "X11Forwarding yes",
                "AcceptEnv LANG LC_*",
                "Subsystem sftp internal-sftp",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


def _wait_until_listening(server: SshServer, deadline: float) -> bool:
    """True once sshd accepts connections; False if it exited (port taken, bad config)."""
    assert server.process is not None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5) as connection:
                if connection.recv(4).startswith(b"SSH-"):
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"sshd did not listen on port {server.port} within {TIMEOUT:.0f} s; its log:\n{server.log_text()}")
    return False


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture
def ssh_server(tmp_path: Path) -> Iterator[SshServer]:
    sshd = _tool("sshd", "/usr/sbin/sshd")
    ssh = _tool("ssh")
    keygen = _tool("ssh-keygen")
    _tool("tmux")
    if not CUSTTUI.exists():
        pytest.fail(f"custtui is not installed in this environment ({CUSTTUI}): pip install -e '.[test]'")
    if IS_ROOT:
        # sshd as root wants its privilege separation directory (systemd makes it at boot).
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)

    folder = tmp_path / "ssh"
    folder.mkdir()
    host_key, user_key = folder / "host_ed25519", folder / "user_ed25519"
    _keygen(keygen, host_key)
    _keygen(keygen, user_key)
    authorized_keys = folder / "authorized_keys"
    shutil.copy(user_key.with_suffix(".pub"), authorized_keys)
    url_file = folder / "database-url"
    snippet = _test_snippet(folder, _test_wrapper(folder, url_file))

    # The snippet as shipped must be valid too (Match Group needs no such group to parse).
    shipped = _main_config(folder / "sshd_config.shipped", 22, host_key, authorized_keys, SNIPPET)
    check = subprocess.run([sshd, "-t", "-f", str(shipped)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, f"sshd -t refuses deploy/sshd_config.d/custtui.conf:\n{check.stderr}"

    server: SshServer | None = None
    home_ssh = Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".ssh"
    had_home_ssh = home_ssh.exists()
    try:
        for _attempt in range(5):  # another process may take the free port first
            port = _free_port()
            config = _main_config(folder / "sshd_config", port, host_key, authorized_keys, snippet)
            check = subprocess.run([sshd, "-t", "-f", str(config)], capture_output=True, text=True, timeout=30)
            assert check.returncode == 0, f"sshd -t refuses the test config:\n{check.stderr}\n{config.read_text()}"
            log = folder / f"sshd-{port}.log"
            server = SshServer(folder, port, user_key, url_file, log, ssh)
            with log.open("wb") as log_handle:
                server.process = subprocess.Popen(
                    [sshd, "-D", "-e", "-f", str(config)],
                    stdin=subprocess.DEVNULL, stdout=log_handle, stderr=subprocess.STDOUT, start_new_session=True,
                )
            if _wait_until_listening(server, time.monotonic() + TIMEOUT):
                break
            _stop(server.process)
        else:
            pytest.fail(f"sshd did not start; its last log:\n{server.log_text() if server else ''}")
        yield server
    finally:
        if server is not None:
            _stop(server.process)
            # pytest shows this only when the test failed.
            print(f"--- sshd log ---\n{server.log_text()}")
        # ssh makes ~/.ssh when it is missing; leave no empty one behind.
        if not had_home_ssh and home_ssh.is_dir() and not any(home_ssh.iterdir()):
            home_ssh.rmdir()


# --- the terminal ---------------------------------------------------------------


@dataclass
class Terminal:
    """A detached 80x24 tmux session on its own tmux server, read with capture-pane."""

    folder: Path
    name: str = field(default_factory=lambda: f"custtui-ssh-{uuid.uuid4().hex[:10]}")
    started: bool = False

    @property
    def status_file(self) -> Path:
        return self.folder / f"{self.name}.status"

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/"),
            "LANG": "C.UTF-8",  # tmux keeps UTF-8 only for UTF-8 clients
        }
        return subprocess.run(
            ["tmux", "-u", "-L", self.name, "-f", str(self.folder / "tmux.conf"), *args],
            capture_output=True, text=True, env=environment, check=check, timeout=30,
        )

    def start(self, command: list[str], env: dict[str, str | None]) -> None:
        """Run `command` in the pane with `env` changed (None: unset)."""
        (self.folder / "tmux.conf").write_text(
            # The whole 24 rows for the app; keep the pane after ssh ends to read its last words.
            "set -g status off\nset -g remain-on-exit on\nset -g history-limit 1000\n", encoding="utf-8"
        )
        prefix = ["env"] + [f"-u{k}" for k, v in env.items() if v is None] + [f"{k}={v}" for k, v in env.items() if v is not None]
        script = f"{shlex.join([*prefix, *command])}; echo $? > {shlex.quote(str(self.status_file))}"
        self.tmux("new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", shlex.join(["sh", "-c", script]))
        self.started = True

    def screen(self, history: bool = False) -> str:
        """The 24 rows, wrapped lines joined; with `history`, the rows scrolled off above too."""
        return self.tmux("capture-pane", "-p", "-J", *(("-S", "-") if history else ()), "-t", self.name).stdout

    def exit_status(self) -> int | None:
        """The command's exit status once it has ended, else None.

        Written by the pane's shell: tmux's own #{pane_dead_status} can stay
        empty for a long time after the pane's output ends.
        """
        try:
            text = self.status_file.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        return int(text) if text.endswith("\n") else None

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        pytest.fail(f"Not on the screen after {timeout:.0f} s: {texts}\n--- screen ---\n{screen}")
        return screen

    def wait_for_exit(self, timeout: float = TIMEOUT) -> int | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.exit_status()
            if status is not None:
                return status
            time.sleep(0.1)
        pytest.fail(f"ssh still running after {timeout:.0f} s\n--- screen ---\n{self.screen()}")
        return None

    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def close(self) -> None:
        if self.started:
            self.tmux("kill-server", check=False)


def _pty_problem() -> str | None:
    """Why sshd, run by this user, could not give a terminal; None when it can.

    sshd hands each session's pty to group tty (mode 0620). Only root may
    chown a pty to a group it is not in, so an unprivileged sshd manages only
    where new ptys already belong to that group (devpts mounted with gid=5).
    """
    if IS_ROOT:
        return None
    try:
        tty_gid = grp.getgrnam("tty").gr_gid
    except KeyError:
        tty_gid = pwd.getpwuid(os.geteuid()).pw_gid
    master, slave = os.openpty()
    try:
        pty_gid = os.fstat(slave).st_gid
    finally:
        os.close(master)
        os.close(slave)
    if pty_gid == tty_gid or tty_gid in os.getgroups():
        return None
    return (
        f"an unprivileged sshd cannot give {LOGIN} a terminal here: new ptys belong to group {pty_gid}, "
        f"sshd must chown them to group tty ({tty_gid}), which only root may do; "
        "run the tests as root or mount devpts with gid=5"
    )


@pytest.fixture
def terminal(tmp_path: Path, ssh_server: SshServer) -> Iterator[Terminal]:
    # After ssh_server: torn down first, so ssh ends before sshd does.
    reason = _pty_problem()
    if reason:
        _unavailable(reason)
    screen = Terminal(tmp_path)
    try:
        yield screen
    finally:
        screen.close()


# --- databases ------------------------------------------------------------------


def _database(engine: Engine, users: list[User], customers: int = CUSTOMERS) -> tuple[str, list[str]]:
    """The engine's database with these users and demo customers: its URL and the customer names."""
    with Session(engine) as session:
        session.add_all(users)
        session.commit()
    if customers:
        generate_demo(engine, customers=customers, seed=3)
    with Session(engine) as session:
        names = list(session.execute(select(Customer.name)).scalars())
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    return url, names


def _technician_database(engine: Engine) -> tuple[str, list[str]]:
    """An admin, and this login as a technician with a display name."""
    return _database(
        engine,
        [
            User(login="boss", display_name="Boss", role=Role.ADMIN.value),
            User(login=LOGIN, display_name="Field Tech", role=Role.TECHNICIAN.value),
        ],
    )


# --- the tests ------------------------------------------------------------------


def test_ssh_login_opens_the_customer_list_as_that_user(
    ssh_server: SshServer, terminal: Terminal, sqlite_engine: Engine
) -> None:
    url, names = _technician_database(sqlite_engine)
    ssh_server.use_database(url)

    # No LANG at all: the wrapper still gives the app a UTF-8 terminal, in English.
    terminal.start(ssh_server.command("-tt", "-o", "SendEnv=LANG"), {"LANG": None, "LC_ALL": None, "LC_CTYPE": None})
    screen = terminal.wait_for(f"{CUSTOMERS} customers", "Field Tech (technician)", "q Quit")
    # The rows are read in a thread and show "…" until they come: wait for them.
    deadline = time.monotonic() + TIMEOUT
    while not any(name[:18] in screen for name in names) and time.monotonic() < deadline:
        time.sleep(0.1)
        screen = terminal.screen()

    lines = screen.splitlines()
    assert "custtui — Field Tech (technician)" in lines[0]
    assert any(name[:18] in screen for name in names), f"no customer of the database on the screen:\n{screen}"
    assert "Name ▲" in screen  # the sort arrow: UTF-8 came through
    assert max(len(line) for line in lines) <= 80
    assert "q Quit" in lines[-1]  # the footer, on the 24th row
    assert len(lines) == 24
    assert "Traceback" not in screen

    terminal.press("q")
    assert terminal.wait_for_exit() == 0, terminal.screen()


def test_login_that_is_not_a_user_is_refused_and_disconnected(
    ssh_server: SshServer, terminal: Terminal, sqlite_engine: Engine
) -> None:
    # Someone else is the admin: the first-login-becomes-admin rule does not apply.
    url, _names = _database(sqlite_engine, [User(login="someone-else", display_name="Someone", role=Role.ADMIN.value)])
    ssh_server.use_database(url)

    terminal.start(ssh_server.command("-tt", "-o", "SendEnv=LANG"), {"LANG": "en_GB.UTF-8"})
    status = terminal.wait_for_exit()
    screen = terminal.screen(history=True)  # tmux's "Pane is dead" line scrolls the first one off
    assert status == 3, screen
    assert (
        f"custtui: User '{LOGIN}' is not allowed to use this database. "
        f"Ask an administrator to run: custtui users add {LOGIN} --role technician"
    ) in screen.replace("\n", "")
    assert "Traceback" not in screen


def test_language_sent_by_the_client_gives_the_french_interface(
    ssh_server: SshServer, terminal: Terminal, sqlite_engine: Engine
) -> None:
    url, _names = _technician_database(sqlite_engine)
    ssh_server.use_database(url)

    # fr_BE.UTF-8 need not be installed on the server: custtui reads the name.
    terminal.start(ssh_server.command("-tt", "-o", "SendEnv=LANG"), {"LANG": "fr_BE.UTF-8", "LC_ALL": None})
    screen = terminal.wait_for(f"{CUSTOMERS} clients", "Field Tech (technicien)", "q Quitter")
    assert "Rechercher" in screen.splitlines()[-1]  # the footer

    terminal.press("q")
    assert terminal.wait_for_exit() == 0, terminal.screen()


def test_no_other_command_and_no_forwarding(ssh_server: SshServer, sqlite_engine: Engine, tmp_path: Path) -> None:
    # No SQLite file yet: the wrapper does not let a technician's login create it (and become its admin).
    missing = tmp_path / "not-yet.db"
    ssh_server.use_database(f"sqlite:///{missing}")
    result = subprocess.run(ssh_server.command("-T"), capture_output=True, text=True, timeout=TIMEOUT, input="")
    assert result.returncode == 2, (result.stdout, result.stderr, ssh_server.log_text())
    assert f"custtui: the database {missing} does not exist yet" in result.stderr
    assert not missing.exists()

    url, _names = _technician_database(sqlite_engine)
    ssh_server.use_database(url)

    # A command of the client's own is not run: the wrapper wants a terminal for custtui.
    result = subprocess.run(
        ssh_server.command("-T", remote="echo injected-$((6*7)); id"), capture_output=True, text=True, timeout=TIMEOUT
    )
    assert result.returncode == 1, (result.stdout, result.stderr, ssh_server.log_text())
    assert "custtui: needs a terminal" in result.stderr
    assert "injected-42" not in result.stdout and "uid=" not in result.stdout

    # Nor sftp: ForceCommand takes subsystems over too (sshd drops their stderr).
    result = subprocess.run(
        ssh_server.command("-s", remote="sftp"), capture_output=True, text=True, timeout=TIMEOUT, input=""
    )
    assert (result.returncode, result.stdout) == (1, ""), (result.stdout, result.stderr)

    # No tunnel to another port: stdio forwarding and remote forwarding are refused.
    result = subprocess.run(
        ssh_server.command("-W", f"127.0.0.1:{ssh_server.port}"), capture_output=True, text=True, timeout=TIMEOUT, input=""
    )
    assert result.returncode == 255 and "SSH-" not in result.stdout, (result.stdout, result.stderr)
    result = subprocess.run(
        ssh_server.command("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"),
        capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert result.returncode == 255 and "forwarding failed" in result.stderr, (result.stdout, result.stderr)
