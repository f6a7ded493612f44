"""Where a change came from, recorded with every audit event."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    """Request origin: IP address and channel."""

    ip: str = ""
    channel: str = "web"  # "web" | "cli" | "api"
