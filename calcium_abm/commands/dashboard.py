"""``calcium-abm dashboard``: start the Solara dashboard (``app/app.py``) in a browser.

Runs ``solara run app/app.py --production`` bound to 127.0.0.1 unless ``--host`` says
otherwise, with Solara's telemetry switched off (the machine may be offline).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from calcium_abm.errors import UserInputError

NAME = "dashboard"
DEFAULT_HOST = "127.0.0.1"  # this machine only
DEFAULT_PORT = "8765"
HELP = f"Start the interactive dashboard (Solara) at http://{DEFAULT_HOST}:{DEFAULT_PORT}"


def app_path() -> Path:
    """The dashboard's entry point, ``app/app.py`` next to the package in the repository."""
    import calcium_abm

    return Path(calcium_abm.__file__).resolve().parent.parent / "app" / "app.py"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; "
                             "0.0.0.0 lets a classroom reach it)")
    parser.add_argument("--port", default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    parser.add_argument("--scenario", metavar="NAME",
                        help="built-in scenario to open first (default healthy_adult)")
    parser.add_argument("--no-open", action="store_true", help="do not open a web browser")


def solara_command(args: argparse.Namespace) -> list[str]:
    """The ``solara run`` command line for ``args`` (validated)."""
    try:
        port = int(str(args.port))
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise UserInputError(f"--port {args.port} is not allowed: must be a whole number from 1 to 65535")
    if not str(args.host).strip():
        raise UserInputError("--host '' is not allowed: give an address such as 127.0.0.1")
    check_host(str(args.host))
    app = app_path()
    if not app.is_file():
        raise UserInputError(f"the dashboard app is missing: {app} not found (run from a source checkout)")
    cmd = [sys.executable, "-m", "solara", "run", str(app), "--host", str(args.host), "--port", str(port),
           "--production"]
    if args.no_open:
        cmd.append("--no-open")
    return cmd


HOST_HINT = "use 127.0.0.1 (this machine only) or 0.0.0.0 (every network interface, for a classroom)"


def check_host(host: str) -> None:
    """Raise UserInputError unless the server could listen on ``host``: a name that does not
    resolve, or an address this machine does not have, is refused before Solara starts
    (Solara printed "starting..." and then a bare ``[Errno -2]``)."""
    import socket

    try:
        family, kind, _, _, address = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError, ValueError):
        raise UserInputError(f"--host {host} is not allowed: it is not an IP address and no host of that "
                             f"name is known; {HOST_HINT}") from None
    try:
        with socket.socket(family, kind) as probe:  # port 0: any free port, so a busy one cannot interfere
            probe.bind((address[0], 0, *address[2:]))
    except OSError as exc:
        raise UserInputError(f"--host {host} is not allowed: this machine cannot listen on that address "
                             f"({exc.strerror or exc}); {HOST_HINT}") from None


def check_port(host: str, port: int) -> None:
    """Raise UserInputError if the server could not listen on ``port`` of ``host`` (checked after
    :func:`check_host`): a port another program (a dashboard already running, say) listens on was
    announced as started, then refused by uvicorn's bare "[Errno 98] ... address already in use".
    Every address ``host`` resolves to is tried as uvicorn's ``loop.create_server`` binds it
    (SO_REUSEADDR; an IPv6 socket IPv6-only), so ``--host ::`` beside a program on 0.0.0.0 is not refused."""
    import errno
    import socket

    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"  # an IPv6 address in brackets
    try:
        for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                                  flags=socket.AI_PASSIVE):
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a closed port is free
                if family == socket.AF_INET6:  # as asyncio binds it: IPv4 on the same port is another address
                    probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            why = (f"{where} is already in use (another dashboard or program listens there); stop it, or "
                   f"choose another port, e.g. --port {port + 1 if port < 65535 else 8765}")
        elif exc.errno == errno.EACCES:
            why = "ports below 1024 need administrator rights; choose another port, from 1024 to 65535"
        else:
            why = f"this machine cannot listen on {where} ({exc.strerror or exc}); choose another port"
        raise UserInputError(f"--port {port} is not allowed: {why}") from None


#: environment for the server process, unless already set. Python's own small-object
#: allocator keeps a 1 MiB arena as long as one object in it lives, so a classroom's closed
#: tabs left the server ~20 % above idle (12 tabs; measured with /memoryz); with the C
#: allocator, at most 2 arenas, and ``malloc_trim`` (app/calcium_dashboard/server.py) the
#: memory goes back (5-8 % above idle; 8.2 ms of server CPU per frame either way, 12 tabs)
SERVER_ENVIRONMENT = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONMALLOC": "malloc",
                      "MALLOC_ARENA_MAX": "2"}


#: Solara warns on every page load over plain http from an address other than "localhost"
#: (``Cookies with samesite=none require https ...``; solara/server/starlette.py) and falls
#: back to samesite=lax, which a dashboard that is not embedded in another site's frame needs
#: anyway. Solara has no setting for it, so the server ignores that one warning (a user's own
#: PYTHONWARNINGS comes after it and wins).
COOKIE_WARNING_FILTER = "ignore:Cookies with samesite=none require https:UserWarning"


def server_environment(base: dict[str, str]) -> dict[str, str]:
    """``base`` with :data:`SERVER_ENVIRONMENT` added where ``base`` does not set it
    (telemetry is always switched off) and Solara's cookie warning filtered."""
    warnings = ",".join(w for w in (COOKIE_WARNING_FILTER, base.get("PYTHONWARNINGS", "")) if w)
    return {**SERVER_ENVIRONMENT, **base, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONWARNINGS": warnings}


def main(args: argparse.Namespace) -> int:
    if args.scenario is not None:
        from calcium_abm.inputs.messages import did_you_mean, shorten
        from calcium_abm.scenario import builtin_scenarios

        names = builtin_scenarios()
        if args.scenario not in names:
            raise UserInputError(f"--scenario {shorten(args.scenario)} is not allowed: built-in scenarios are "
                                 f"{', '.join(names)} (load your own file from the dashboard)"
                                 f"{did_you_mean(args.scenario, names)}")
    cmd = solara_command(args)
    check_port(str(args.host), int(args.port))
    env = server_environment(dict(os.environ))
    if args.scenario:
        # Solara opens "/"; the scenario travels the way a shared link does
        env["CALCIUM_ABM_DASHBOARD_QUERY"] = urlencode({"scenario": args.scenario})
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    host = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL (http://[::1]:8765/)
    query = f"/?{env['CALCIUM_ABM_DASHBOARD_QUERY']}" if args.scenario else "/"
    print(f"calcium-abm dashboard: http://{host}:{int(args.port)}{query}  (Ctrl-C stops it)", file=sys.stderr)
    sys.stderr.flush()
    if os.name == "posix":
        # become the server: signals (Ctrl-C, a service manager's SIGTERM) reach it directly
        os.execve(cmd[0], cmd, env)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130
