"""`headcount client`: a terminal client for people trying a server, and for scripts.

Every command prints the answer as tables (or, with `--json`, its `data` as JSON) and exits
0, or prints the error and exits 1. The server is `HEADCOUNT_SERVER`, else the one `login
--server` kept, in ~/.config/headcount/client.json with the token; `shell` runs the same
commands interactively. Students may be named by id, e-mail or name.
"""

from __future__ import annotations

import json
import os
import shlex
import uuid
from pathlib import Path
from typing import Annotated, Any, get_args

import httpx
import typer
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from headcount.client_tables import render
from headcount.domain.views import Status

client_app = typer.Typer(help="Talk to a Headcount server.", no_args_is_help=True)
DEFAULT_SERVER = "http://127.0.0.1:3000"
STATUSES = get_args(Status)
# How answers are shown, set once per invocation by the `--json` option.
_output = {"json": False}


class ClientError(Exception):
    pass


def _config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "headcount" / "client.json"


def _config() -> dict[str, str]:
    path = _config_path()
    return json.loads(path.read_text()) if path.exists() else {}


def _save(**values: str) -> None:
    path = _config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**_config(), **values}))
    path.chmod(0o600)


def _server() -> str:
    return os.environ.get("HEADCOUNT_SERVER") or _config().get("server") or DEFAULT_SERVER


def _token() -> str:
    token = os.environ.get("HEADCOUNT_TOKEN") or _config().get("token")
    if not token:
        raise ClientError("not logged in: run `headcount client login EMAIL` first")
    return token


def _show(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2) if _output["json"] else render(data))


def _http(method: str, path: str, auth: bool = True, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {_token()}"} if auth else {}
    try:
        response = httpx.request(method, _server() + path, headers=headers, timeout=15, **kwargs)
    except httpx.HTTPError as exc:
        raise ClientError(f"cannot reach {_server()}: {exc}") from exc
    body = response.json()
    if not body.get("success"):
        raise ClientError(f"{response.status_code} {body.get('error')}")
    return body["data"]


def _ws_url() -> str:
    return _server().replace("http", "ws", 1) + "/ws"


def _ws() -> ClientConnection:
    return connect(_ws_url(), additional_headers={"Authorization": f"Bearer {_token()}"})


def _ws_request(event: str, data: dict[str, Any], reply: str) -> Any:
    """Send one event and wait for its reply (or the server's ERROR)."""
    with _ws() as socket:
        socket.send(json.dumps({"event": event, "data": data}))
        while True:
            message = json.loads(socket.recv(timeout=15))
            if message["event"] == "ERROR":
                raise ClientError(message["data"]["message"])
            if message["event"] == reply:
                return message["data"]


def _target(class_id: str | None) -> dict[str, Any]:
    return {"classId": class_id} if class_id else {}


def _one(who: str, candidates: list[dict[str, Any]]) -> str:
    """The id of the one student `who` names: by e-mail, else by name, case-insensitively."""
    wanted = who.strip().casefold()
    for field in ("email", "name"):
        found = [c for c in candidates if str(c.get(field, "")).casefold() == wanted]
        if len(found) == 1:
            return str(found[0]["id"])
        if len(found) > 1:
            emails = ", ".join(str(c.get("email", c["id"])) for c in found)
            raise ClientError(
                f"{len(found)} students are called {who!r}: name one by e-mail ({emails})"
            )
    raise ClientError(f"no student {who!r}")


def _is_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _any_student(who: str) -> str:
    """A student of the caller's school, for enrolling."""
    return who if _is_id(who) else _one(who, _http("GET", "/students", params={"q": who.strip()}))


def _class_student(who: str, class_id: str | None) -> str:
    """A student of the class (default: of the running roll call), for marking."""
    if _is_id(who):
        return who
    if class_id is None:
        class_id = str(_ws_request("SESSION_STATE", {}, "SESSION_STATE")["classId"])
    return _one(who, _http("GET", f"/class/{class_id}")["students"])


def run(action: Any) -> None:
    try:
        action()
    except ClientError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


ClassArg = Annotated[str | None, typer.Argument(help="Default: your latest running session.")]
StudentArg = Annotated[str, typer.Argument(help="The student's id, e-mail or name.")]


@client_app.callback()
def options(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the answer's data as JSON, for scripts.")
    ] = False,
) -> None:
    _output["json"] = as_json


@client_app.command()
def signup(
    name: str,
    email: str,
    role: Annotated[str, typer.Option(help="teacher or student")] = "teacher",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)] = "",
) -> None:
    """Create an account."""
    body = {"name": name, "email": email, "password": password, "role": role}
    run(lambda: _show(_http("POST", "/auth/signup", auth=False, json=body)))


@client_app.command()
def login(
    email: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)] = "",
    server: Annotated[str | None, typer.Option(help=f"Default: {DEFAULT_SERVER}")] = None,
) -> None:
    """Log in and keep the token for the other commands."""

    def action() -> None:
        if server:
            _save(server=server.rstrip("/"))
        body = {"email": email, "password": password}
        token = _http("POST", "/auth/login", auth=False, json=body)["token"]
        _save(token=token)
        _show(_http("GET", "/auth/me"))

    run(action)


@client_app.command()
def whoami() -> None:
    """The logged-in account."""
    run(lambda: _show(_http("GET", "/auth/me")))


@client_app.command()
def classes() -> None:
    """Your classes, with any running session."""
    run(lambda: _show(_http("GET", "/classes")))


@client_app.command("create-class")
def create_class(name: str) -> None:
    """Create a class (teachers)."""
    run(lambda: _show(_http("POST", "/class", json={"className": name})))


@client_app.command()
def students(q: Annotated[str | None, typer.Option(help="Search name or email.")] = None) -> None:
    """Every student, or those matching --q (teachers)."""
    run(lambda: _show(_http("GET", "/students", params={"q": q} if q else {})))


@client_app.command("add-student")
def add_student(class_id: str, student: StudentArg) -> None:
    """Enrol a student in your class."""

    def action() -> None:
        body = {"studentId": _any_student(student)}
        _show(_http("POST", f"/class/{class_id}/add-student", json=body))

    run(action)


@client_app.command()
def start(class_id: str) -> None:
    """Start a roll call (or show the one running)."""
    run(lambda: _show(_http("POST", "/attendance/start", json={"classId": class_id})))


@client_app.command()
def mark(
    student: StudentArg,
    status: Annotated[str, typer.Argument(help=" / ".join(STATUSES))],
    class_id: ClassArg = None,
) -> None:
    """Mark a student in the running roll call."""

    def action() -> None:
        data = {"studentId": _class_student(student, class_id), "status": status}
        _show(_ws_request("ATTENDANCE_MARKED", data | _target(class_id), "ATTENDANCE_MARKED"))

    run(action)


@client_app.command()
def summary(class_id: ClassArg = None) -> None:
    """Counts of the running roll call."""
    run(lambda: _show(_ws_request("TODAY_SUMMARY", _target(class_id), "TODAY_SUMMARY")))


@client_app.command()
def state(class_id: ClassArg = None) -> None:
    """The running roll call, every status in it."""
    run(lambda: _show(_ws_request("SESSION_STATE", _target(class_id), "SESSION_STATE")))


@client_app.command()
def done(
    class_id: ClassArg = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Finish the roll call: everyone unmarked becomes absent."""

    def action() -> None:
        if not yes:
            state = _ws_request("SESSION_STATE", _target(class_id), "SESSION_STATE")
            unmarked = sum(status is None for status in state["attendance"].values())
            question = f"Finish the roll call? {unmarked} students not marked become absent."
            typer.confirm(question, abort=True)
        _show(_ws_request("DONE", _target(class_id), "DONE"))

    run(action)


@client_app.command()
def watch(
    count: Annotated[int | None, typer.Option(help="Stop after this many events.")] = None,
) -> None:
    """Print live events as they arrive (Ctrl-C to stop)."""

    def action() -> None:
        seen = 0
        with _ws() as socket:
            typer.echo("watching; Ctrl-C to stop", err=True)
            try:
                while count is None or seen < count:
                    typer.echo(socket.recv())
                    seen += 1
            except (ConnectionClosed, KeyboardInterrupt):
                return

    run(action)


@client_app.command()
def shell() -> None:
    """Type the commands above one per line, without `headcount client`."""
    typer.echo("headcount client shell: `help` lists commands, `quit` leaves", err=True)
    while True:
        try:
            line = input("headcount> ").strip()
        except (EOFError, KeyboardInterrupt):
            return
        if line in ("quit", "exit"):
            return
        args = shlex.split(line) if line else []
        if not args:
            continue
        try:
            client_app(["--help"] if args == ["help"] else args, standalone_mode=False)
        except (typer.Exit, typer.Abort):
            pass
        except Exception as exc:  # a typo must not end the shell
            typer.echo(f"error: {exc}", err=True)
