"""Prometheus metrics (SPEC §9), in the default registry with the process collector.

With `--workers N` each process counts for itself; scrape each process, or run one process
per host port behind the balancer (docs/deploy.md).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "headcount_http_requests", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "headcount_http_request_seconds", "Time to answer an HTTP request", ["method", "route"]
)
CONNECTIONS = Gauge("headcount_open_connections", "Open live connections", ["transport"])
MESSAGES = Counter(
    "headcount_live_messages", "Live messages by direction and event", ["direction", "event"]
)
MARKS = Counter("headcount_marks", "Marks received, by source and outcome", ["source", "applied"])
FANOUT_SECONDS = Histogram(
    "headcount_broadcast_fanout_seconds",
    "Time to write one broadcast into every local listener",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
BUS_RECONNECTS = Counter("headcount_bus_reconnects", "Times the Redis bus came back")
# Broadcasts other processes never got: the Redis bus's queue was full, or a message waited
# there past its use (a process running seconds behind).
BUS_DROPPED = Counter(
    "headcount_bus_messages_dropped", "Bus messages not published, by reason", ["reason"]
)
# Whether bus traffic follows listeners: a process should receive only its classes' messages.
BUS_MESSAGES = Counter(
    "headcount_bus_messages_received",
    "Bus messages that reached this process, by sender (its own echo or another process)",
    ["sender"],
)
CACHE_LOOKUPS = Counter("headcount_cache_lookups", "Cache reads by result", ["result"])
