"""The layers of the README's architecture section, checked on the source itself.

Each package may import only the layers below it (``LAYERS``); the store
speaks every query, so ``http/``, ``cli/``, ``workers/`` and ``demo/`` build
none; the JSON API never imports the dashboard; ``http/`` and ``cli/`` import
``workers/`` only to start them (or to send one channel test).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import corrigo

SRC = Path(corrigo.__file__).parent
# Who may import whom, by top-level part of corrigo (modules at the top count as parts).
LAYERS: dict[str, set[str]] = {
    "domain": {"domain"},
    "passwords": set(),
    "secretbox": set(),
    "config": {"domain"},
    "urls": set(),
    "net": {"domain"},
    "spelling": {"domain", "spelling", "store"},
    "store": {"domain", "passwords", "secretbox", "store"},
    "widget": {"widget"},
    "workers": {"config", "domain", "net", "spelling", "store", "urls", "workers"},
    "demo": {"demo", "domain", "passwords", "store"},
    "connectors": {"config", "demo", "domain", "net", "secretbox", "store", "workers"},
    "http": {
        *("config", "connectors", "demo", "domain", "http", "net", "passwords"),
        *("secretbox", "spelling", "store", "urls", "widget"),
    },
    "cli": {
        *("cli", "config", "connectors", "demo", "domain", "http", "net", "passwords"),
        *("secretbox", "spelling", "store", "urls"),
    },
}
# http/ and cli/ may reach into workers/ only for what starts them: the runner, the
# page checker that `corrigo verify` runs once, and the one test message that
# `corrigo channel test` and the Channels page send.
WORKER_STARTERS = ("corrigo.workers.runner", "corrigo.workers.checker", "corrigo.workers.probe")
# Third-party packages a layer must not import (the domain is pure; the store knows no HTTP).
FORBIDDEN_PACKAGES = {
    # markupsafe: markup (the SVG charts) is the dashboard's, not the domain's.
    "domain": {"sqlalchemy", "starlette", "httpx", "jinja2", "markupsafe", "alembic", "uvicorn"},
    "store": {"starlette", "httpx", "jinja2", "uvicorn"},
}
# Parts that must leave every query to the store.
NO_QUERIES = ("http", "cli", "workers", "demo")
QUERY_BUILDERS = {"select", "insert", "update", "delete", "text", "func", "and_", "or_", "exists"}
QUERY_METHODS = {"execute", "scalar", "scalars", "scalar_one"}
SESSION_NAMES = {"session", "conn", "connection", "db"}


def modules() -> Iterator[tuple[str, Path, ast.Module]]:
    """(dotted name, path, tree) of every module of the package."""
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(part for part in relative.parts if part != "__init__")
        yield name, path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def imports(tree: ast.Module, module: str) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import, relative ones resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base]) if base else ".".join(parent)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def part_of(module: str) -> str:
    """The layer a corrigo module belongs to (`corrigo.store.sites` → `store`)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_problems() -> list[str]:
    """One sentence per import statement that breaks a rule."""
    found: dict[tuple[Path, int], str] = {}
    for where, line, path in _layer_problems():
        found.setdefault((path, line), where)
    return list(found.values())


def _layer_problems() -> Iterator[tuple[str, int, Path]]:
    for name, path, tree in modules():
        layer = part_of(name)
        if layer not in LAYERS:
            continue
        for line, target in imports(tree, name):
            where = f"{path.relative_to(SRC.parent)}:{line} imports {target}"
            top = target.split(".")[0]
            if top in FORBIDDEN_PACKAGES.get(layer, set()):
                yield where, line, path
            if top != "corrigo" or part_of(target) in ("", "__version__"):
                continue
            other = part_of(target)
            if other == "workers" and layer in ("http", "cli"):
                if not target.startswith(WORKER_STARTERS):
                    yield where + " (only the worker runner, to start them)", line, path
                continue
            if other and other not in LAYERS[layer] and other != layer:
                yield where, line, path
            if name.startswith("corrigo.http.api") and target.startswith("corrigo.http.dashboard"):
                yield where + " (the API stands on its own)", line, path


def query_problems() -> Iterator[str]:
    for name, path, tree in modules():
        if part_of(name) not in NO_QUERIES:
            continue
        for node in ast.walk(tree):
            where = f"{path.relative_to(SRC.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                built = {alias.name for alias in node.names} & QUERY_BUILDERS
                if built:
                    yield f"{where} imports {sorted(built)} from {node.module}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                method = node.func.attr
                receiver = node.func.value
                if method in QUERY_METHODS or (
                    method == "get"
                    and isinstance(receiver, ast.Name)
                    and receiver.id in SESSION_NAMES
                ):
                    yield f"{where} calls .{method}()"


def test_every_layer_imports_only_the_layers_below_it() -> None:
    assert layer_problems() == []


def test_only_the_store_builds_queries() -> None:
    assert list(query_problems()) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from sqlalchemy import select\n", "imports ['select']"),
        ("def f(session):\n    return session.get(Site, 1)\n", "calls .get()"),
        ("def f(conn):\n    conn.execute(q)\n", "calls .execute()"),
    ],
)
def test_the_query_rule_sees_a_query(
    source: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "corrigo"
    (package / "http").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "http" / "bad.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", package)
    assert any(problem in found for found in query_problems())


def test_the_layer_rule_sees_a_wrong_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "corrigo"
    (package / "http" / "api").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "domain").mkdir()
    (package / "domain" / "x.py").write_text("from corrigo.store import models\n")
    (package / "http" / "api" / "x.py").write_text("from corrigo.http.dashboard import auth\n")
    (package / "http" / "y.py").write_text("from corrigo.workers.notifier import Notifier\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", package)
    found = layer_problems()
    assert len(found) == 3, found
