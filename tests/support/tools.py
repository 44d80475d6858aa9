"""Which tools beyond Python the tests can drive on this machine: a browser, Node."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.support.backends import BackendCheck

NODE_TESTS = Path(__file__).resolve().parents[1] / "js"
NODE_MAJOR = 20  # tests/js/package.json's "engines": the built-in fetch and test runner


def chromium_path() -> str:
    return os.environ.get("HEADCOUNT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _browser_problem() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright)"
    path = chromium_path()
    if not Path(path).is_file():
        return f"no Chromium at {path} (apt-get install chromium, or set HEADCOUNT_CHROMIUM)"
    return None


def _node_problem() -> str | None:
    node = shutil.which("node")
    if node is None:
        return f"no node on PATH; tests/js needs Node {NODE_MAJOR} or newer"
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    major = re.match(r"v(\d+)\.", version)
    if major is None or int(major.group(1)) < NODE_MAJOR:
        return f"node {version or '(no version)'} is older than {NODE_MAJOR}"
    if not (NODE_TESTS / "node_modules" / "ws" / "package.json").is_file():
        return "tests/js/node_modules is missing: make test runs npm ci --prefix tests/js"
    return None


def probe_tools() -> dict[str, BackendCheck]:
    checks = {}
    for name, problem in (("browser", _browser_problem()), ("node", _node_problem())):
        checks[name] = BackendCheck(problem is None, problem or "found")
    return checks
