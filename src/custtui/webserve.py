"""`custtui web`: textual-serve's Server, locked to its own host names, with no external resources and a session cap.

textual-serve has no login: whoever drives a websocket works in custtui as the
OS user running `custtui web`. So, beyond textual-serve's defaults:

- Every request (page, static files, downloads, websocket) must carry an
  allowed Host header, or it gets 403: a page on another site cannot reach
  the server through DNS rebinding (its requests carry the attacker's name).
- A websocket opened by a browser must come from the page's own origin.
- The page loads nothing from elsewhere (our template: no Google font) and
  says so in its Content-Security-Policy.
- At most `max_sessions` websockets run an app at once (each app process
  takes some 110 MB).
"""

from __future__ import annotations

import html
import ipaddress
import re
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

from custtui.i18n import _, get_language, ngettext

TEMPLATES = Path(__file__).resolve().parent / "web_templates"
DEFAULT_MAX_SESSIONS = 8
LOOPBACK_NAMES = frozenset({"localhost"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# A Host header: a bracketed IPv6 literal or a name / IPv4 literal, then an optional port.
_HOST_HEADER = re.compile(r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::(?P<port>[0-9]{0,5}))?")


def is_loopback(host: str) -> bool:
    """Whether an address (or localhost) reaches this machine only."""
    if host.lower().rstrip(".") in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def check_can_listen(host: str, port: int) -> None:
    """Raise OSError before serving when the address cannot be bound (busy, privileged, unknown)."""
    for family, kind, protocol, _name, address in socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    ):
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            probe.bind(address)


def normalise_hostname(name: str) -> str:
    """A host name as compared: lower case, without brackets or a trailing dot."""
    return name.strip("[]").rstrip(".").lower()


def host_header_name(value: str | None) -> str | None:
    """The host name of a Host header ('Example.COM.:8000' -> 'example.com'); None if missing or malformed."""
    if not value:
        return None
    match = _HOST_HEADER.fullmatch(value.strip())
    if match is None:
        return None
    name = normalise_hostname(match["ipv6"] or match["name"])
    return name or None


def is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, default ports filled in; None if it has none."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number, a broken IPv6 literal
        return None
    if not parts.hostname or port is None:
        return None
    return scheme, normalise_hostname(parts.hostname), port


def check_public_url(value: str) -> str:
    """The --public-url without a trailing slash; ValueError unless it is an http(s) URL with a host."""
    url = value.strip()
    parts = _origin(url)
    split = urlsplit(url)
    if (
        parts is None
        or parts[0] not in ("http", "https")
        or "@" in split.netloc
        or host_header_name(split.netloc) is None  # the host name as a Host header would carry it
        or split.query
        or split.fragment
        or not re.fullmatch(r"[A-Za-z0-9._~/%-]*", split.path)
    ):
        raise ValueError(value)
    return url.rstrip("/")


def sessions_full_message(max_sessions: int) -> str:
    return ngettext(
        "custtui allows {n} session and it is in use; close the other tab or try again later.",
        "All {n} sessions of custtui are in use; close another tab or try again later.",
        max_sessions,
    ).format(n=max_sessions)


class WebServer(Server):
    """textual-serve's Server with allowed hosts, same-origin websockets, a strict page and a session cap."""

    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        public_url: str | None = None,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
    ) -> None:
        super().__init__(
            command,
            host=host,
            port=port,
            title="custtui",
            public_url=public_url or listen_url(host, port),
            templates_path=TEMPLATES,  # absolute: textual-serve joins it to its own folder, which keeps it as is
        )
        self.fixed_public_url = check_public_url(public_url) if public_url else None
        self.max_sessions = max(1, max_sessions)
        self.sessions = 0
        self.allowed_names = set(LOOPBACK_NAMES)
        if self.fixed_public_url:
            self.allowed_names.add(normalise_hostname(urlsplit(self.fixed_public_url).hostname or ""))
        listen_name = normalise_hostname(host)
        if listen_name and not (is_ip_literal(listen_name) and ipaddress.ip_address(listen_name).is_unspecified):
            self.allowed_names.add(listen_name)  # a specific address or name given with --host

    # -- which requests are served

    def host_allowed(self, name: str | None) -> bool:
        if not name:
            return False
        # IP literals are always fine: a DNS-rebinding page has the browser send
        # the attacker's DNS name (the one that now resolves to us), never an IP
        # address, since the attacker's page must be loaded from that name first.
        return name in self.allowed_names or is_ip_literal(name)

    def page_base(self, request: web.Request) -> str:
        """scheme://host[:port] the page's absolute URLs (scripts, websocket) start with.

        Fixed by --public-url; else this request's (validated) Host header, so
        0.0.0.0 and another port work. X-Forwarded-Host is not trusted (it is
        how a proxy would pass a name that was never checked); a reverse
        proxy with its own name needs --public-url. X-Forwarded-Proto may
        still ask for https URLs.
        """
        if self.fixed_public_url:
            return self.fixed_public_url
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        scheme = forwarded if forwarded in ("http", "https") else request.scheme
        return f"{scheme}://{request.headers['Host'].strip()}"

    def websocket_url(self, request: web.Request) -> str:
        base = self.page_base(request)
        url = base + str(request.app.router["websocket"].url_for())
        return ("wss:" if base.startswith("https:") else "ws:") + url.split(":", 1)[1]

    def origin_allowed(self, origin: str, request: web.Request) -> bool:
        parts = _origin(origin)
        return parts is not None and parts == _origin(self.page_base(request)) and self.host_allowed(parts[1])

    @property
    def full(self) -> bool:
        return self.sessions >= self.max_sessions

    # -- the aiohttp application

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()

        @web.middleware
        async def allowed_hosts(request: web.Request, handler: Any) -> web.StreamResponse:
            if not self.host_allowed(host_header_name(request.headers.get("Host"))):
                return web.Response(
                    status=403,
                    text=_(
                        "custtui does not answer to this host name. Behind a reverse proxy, start custtui web "
                        "with --public-url and the address browsers use."
                    ),
                )
            response: web.StreamResponse = await handler(request)
            return response

        app.middlewares.append(allowed_hosts)
        app.on_response_prepare.append(self._security_headers)
        return app

    async def _security_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        connect = ""
        if self.host_allowed(host_header_name(request.headers.get("Host"))):
            websocket = urlsplit(self.websocket_url(request))
            connect = f" {websocket.scheme}://{websocket.netloc}"
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; font-src 'self'; connect-src 'self'{connect}; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        )
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Content-Type-Options", "nosniff")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.full:
            return self._full_page()
        base = self.page_base(request)
        static = f"{base}{request.app.router['static'].url_for(filename='/')}".rstrip("/") + "/"
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": self.websocket_url(request),
            "config": {"static": {"url": static}},
            "application": {"name": self.title},
            "language": get_language(),
            "text": {
                "start": _("Start"),
                "session_ended": _("Session ended."),
                "restart": _("Restart"),
            },
        }
        response: web.StreamResponse = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"  # it names the websocket of this host; the state may change
        return response

    def _full_page(self) -> web.Response:
        message = html.escape(sessions_full_message(self.max_sessions))
        page = (
            f'<!DOCTYPE html>\n<html lang="{html.escape(get_language())}">\n<head><meta charset="utf-8">'
            f"<title>custtui</title></head>\n<body><p>{message}</p></body>\n</html>\n"
        )
        return web.Response(status=503, text=page, content_type="text/html", headers={"Retry-After": "30"})

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        # Another web site open in the same browser must not drive the app
        # (cross-site websocket hijacking): browsers always send Origin. A
        # client without one is no browser, and its Host was checked already.
        origin = request.headers.get("Origin")
        if origin is not None and not self.origin_allowed(origin, request):
            raise web.HTTPForbidden(text=_("custtui cannot be used from another web site."))
        # Checked and reserved with no await in between: no two handlers can take the last slot.
        if self.full:
            raise web.HTTPServiceUnavailable(text=sessions_full_message(self.max_sessions), headers={"Retry-After": "30"})
        self.sessions += 1
        try:
            response: web.WebSocketResponse = await super().handle_websocket(request)
        finally:
            self.sessions -= 1  # the websocket ended (closed, failed or cancelled) and its app stopped
        return response

    async def on_startup(self, app: web.Application) -> None:
        pass  # custtui prints its own lines; textual-serve's banner would show the command


def make_server(
    command: str, host: str, port: int, public_url: str | None = None, max_sessions: int = DEFAULT_MAX_SESSIONS
) -> WebServer:
    return WebServer(command, host=host, port=port, public_url=public_url, max_sessions=max_sessions)
