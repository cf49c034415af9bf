"""A real HTTP server on loopback around a Flask app, in a thread: for tests that
speak the protocol (browser journeys, API clients) instead of the test client."""

from __future__ import annotations

import threading
from typing import Any


class LiveServer:
    def __init__(self, app: Any) -> None:
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
