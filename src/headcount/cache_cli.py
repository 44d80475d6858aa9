"""`headcount cache`: look inside the Redis cache the servers share."""

from __future__ import annotations

import json
import uuid

import typer
from redis import Redis
from redis.exceptions import RedisError

from headcount.cache import KEY_INDEX_PREFIX
from headcount.settings import Settings


def _redis(settings: Settings) -> Redis:
    url = settings.effective_redis_url
    if url is None:
        typer.echo("no REDIS_URL: the in-process cache lives inside each server process", err=True)
        raise typer.Exit(1)
    return Redis.from_url(url, socket_connect_timeout=2, decode_responses=True)


def get(settings: Settings, key: str) -> None:
    redis = _redis(settings)
    try:
        value, ttl = redis.get(key), redis.ttl(key)
    except RedisError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if value is None:
        typer.echo(f"no such key: {key}", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps({"key": key, "ttl": ttl, "value": json.loads(str(value))}, indent=2))


def keys(settings: Settings, class_id: uuid.UUID) -> None:
    redis = _redis(settings)
    try:
        names = sorted(str(name) for name in redis.smembers(f"{KEY_INDEX_PREFIX}{class_id}"))
        rows = [{"key": name, "ttl": redis.ttl(name)} for name in names]
    except RedisError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps([row for row in rows if int(str(row["ttl"])) > 0], indent=2))
