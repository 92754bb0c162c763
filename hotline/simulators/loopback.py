"""A WSGI app on one loopback port, served from a thread, that can stop listening and come back.

Both simulators use it to play a provider that is down: close() refuses new connections and
cuts those under way, open() listens again on the same port.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Self

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

log = logging.getLogger(__name__)

# The simulators sign nothing a stranger sends and show every phone's texts to anyone who
# opens the page: beyond this machine they are an open relay into the hotline.
EXPOSE_REFUSED = (
    "refusing to serve the phone simulator on {host}, beyond this machine: anyone who can"
    " reach it can read every simulated phone and text the hotline as any number"
    " (add --expose if you mean to show the demo on a network)"
)


def is_loopback(host: str) -> bool:
    """Whether `host` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name that may resolve anywhere, or 0.0.0.0: every interface


def exposure_refused(host: str, *, expose: bool) -> str | None:
    """The one-line error for a simulator asked to listen beyond loopback without --expose."""
    return None if expose or is_loopback(host) else EXPOSE_REFUSED.format(host=host)


class Listener:
    """Serves app on host:port; close() refuses new connections and cuts those under way."""

    def __init__(self, app: Any, host: str, port: int, name: str) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.name = name
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def listening(self) -> bool:
        return self._server is not None

    def open(self) -> None:
        if self._server is not None:
            return
        server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=self._handler_class()
        )
        # With port 0 the OS picks one; keep it so that going online again reuses that port.
        self.port = server.server_port
        thread = threading.Thread(
            # A short poll keeps close() quick; shutdown waits for one poll.
            target=functools.partial(server.serve_forever, poll_interval=0.05),
            name=f"{self.name}-{self.port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread

    def close(self, spare: socket.socket | None = None) -> None:
        """Stop listening and cut open connections, except spare, which still owes an answer."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._open_lock:
            sockets = [sock for sock in self._open if sock is not spare]
        for sock in sockets:
            # A handler may have closed its socket already; that is as good as cut.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join()

    def _handler_class(self) -> type[WSGIRequestHandler]:
        listener = self

        class Handler(WSGIRequestHandler):
            def setup(self) -> None:
                super().setup()
                with listener._open_lock:
                    listener._open.add(self.connection)

            def finish(self) -> None:
                with listener._open_lock:
                    listener._open.discard(self.connection)
                super().finish()

            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                # werkzeug logs every request at INFO, and the phone page's URLs carry numbers.
                log.debug("%s %s %s", listener.name, self.command, code)

        return Handler


class LoopbackServer:
    """What both simulators share: their listener's address, and `with` to start and stop."""

    _listener: Listener

    @property
    def running(self) -> bool:
        raise NotImplementedError

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    @property
    def host(self) -> str:
        return self._listener.host

    @property
    def port(self) -> int:
        """The port it listens on; with port 0 the OS picks one, kept across outages."""
        return self._listener.port

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:54321; known once started."""
        if not self.running:
            raise RuntimeError(f"start the {self._listener.name} before asking for its URL")
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class Later:
    """At most one pending action (the end of a timed outage); a new one replaces it."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._timer: threading.Timer | None = None

    def run_in(self, seconds: float, action: Callable[[], None]) -> None:
        with self._lock:
            self.cancel()
            timer = threading.Timer(seconds, self._fire, args=(action,))
            timer.daemon = True
            self._timer = timer
            timer.start()

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _fire(self, action: Callable[[], None]) -> None:
        with self._lock:
            if self._timer is not threading.current_thread():
                return  # cancelled or replaced while it was about to run
            self._timer = None
            action()


def serve_until_stopped(server: LoopbackServer, label: str) -> int:
    """Run a simulator from its command line until SIGTERM or Ctrl-C."""
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with server as running:
        # One line on stdout, flushed, so scripts that start the sim can read the port.
        print(f"{label} listening on {running.url}", flush=True)
        stopping.wait()
    return 0
