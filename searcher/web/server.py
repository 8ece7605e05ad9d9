"""Running the web application: bind the socket, then hand it to uvicorn.

The socket is bound here rather than by uvicorn so that a port in use or a
host that does not resolve is one line for the user before anything
starts, and so that ``--port 0`` (any free port) can print the port it got.
uvicorn (with h11, pure Python) because it is small, maintained and the
server Starlette documents; one process, since the Index it serves takes
one search at a time anyway.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Callable

from searcher.errors import SearchError
from searcher.index import Index


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may well resolve to an outside address


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a SearchError saying why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise SearchError(f"cannot listen on {host}: {error.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        hint = "; choose another with --port" if error.errno == errno.EADDRINUSE else ""
        raise SearchError(f"cannot listen on {host}:{port}: {error.strerror}{hint}") from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(index: Index, host: str, port: int, on_listening: Callable[[str], None]) -> None:
    """Serve ``index`` on host:port until Ctrl-C (or SIGTERM); calls
    ``on_listening(url)`` once the socket accepts connections."""
    import uvicorn

    from searcher.web.app import create_app

    index.open()
    sock = bind(host, port)
    server = uvicorn.Server(
        uvicorn.Config(create_app(index), log_level="warning", access_log=False, lifespan="off", http="h11")
    )
    on_listening(url_of(sock))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down on Ctrl-C, then raises it again for the caller.
        pass
    finally:
        sock.close()
        index.close()
