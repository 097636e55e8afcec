"""What a server is told: where to listen, what to serve, and its safety limits (no third-party imports)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class ServerSettings:
    """Where to listen, what to serve, and the safety limits (README, "Serve the graph")."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data: Path | None = None
    timeout: float = 10.0
    """Seconds a query may run before its worker is stopped and the client gets 503."""
    max_rows: int = 10_000
    """Rows (SELECT) or triples (CONSTRUCT, DESCRIBE) a result may carry; the rest is cut."""
    max_result_bytes: int = 16 * 1024 * 1024
    """Bytes a result may carry; the rest is cut."""
    max_request_bytes: int = 64 * 1024
    """The largest request body or query string accepted."""
    workers: int = 4
    """Query worker processes: how many queries run at once."""
    request_timeout: float = 10.0
    """Seconds a client has to send a whole request (headers and body), and to take an answer it fell behind on."""
    max_connections: int = 512
    """Open connections in all."""
    max_client_connections: int = 32
    """Open connections from one client address."""
    worker_memory_mb: int = 2048
    """Address space a worker may use (0: no cap); a worker over it stops and is replaced."""
    cors: tuple[str, ...] = ()
    """Origins whose browser scripts may read the answers (``*``: any); none by default."""
    quiet: bool = False
    """No access log on stderr."""
    by_source: bool = False
    """Hold one named graph per source (as ``export --format trig`` splits the claims) beside the default graph."""

    def check(self) -> None:
        if not 0 <= self.port <= 65535:
            raise UsageError(f"--port must be between 0 and 65535, got {self.port}")
        if not self.timeout > 0:
            raise UsageError(f"--timeout must be a positive number of seconds, got {self.timeout}")
        if not self.request_timeout > 0:
            raise UsageError(f"--request-timeout must be a positive number of seconds, got {self.request_timeout}")
        if self.max_rows < 1:
            raise UsageError(f"--max-rows must be at least 1, got {self.max_rows}")
        if self.max_result_bytes < 1024:
            raise UsageError(f"--max-result-bytes must be at least 1024, got {self.max_result_bytes}")
        if self.max_request_bytes < 1024:
            raise UsageError(f"--max-request-bytes must be at least 1024, got {self.max_request_bytes}")
        if not 1 <= self.workers <= 64:
            raise UsageError(f"--workers must be between 1 and 64, got {self.workers}")
        if self.max_connections < 1 or self.max_client_connections < 1:
            raise UsageError(f"--max-connections and --max-client-connections must be at least 1, got "
                             f"{self.max_connections} and {self.max_client_connections}")
        if self.worker_memory_mb and self.worker_memory_mb < 256:
            raise UsageError(f"--worker-memory must be 0 (no cap) or at least 256 MB, got {self.worker_memory_mb}")
        for origin in self.cors:
            if origin != "*" and not _is_origin(origin):
                raise UsageError(f"--cors takes an origin such as https://example.org (scheme, host, optional port) "
                                 f"or *, got {origin!r}")


def _is_origin(text: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not (parts.path or parts.query
                                                                              or parts.fragment or parts.username)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host
