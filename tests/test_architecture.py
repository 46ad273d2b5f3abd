"""The map of the code in docs/architecture.md stays true: every module it names exists, every
module is on it, imports follow its layers, nothing imports in a circle, and no module grows
past about 500 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
MAP = ROOT / "docs" / "architecture.md"
LAYERS = ["base", "read", "figures", "check", "analysis", "load", "render", "publish", "command"]
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def mapped() -> dict[str, str]:
    """Module -> layer, as the map says."""
    rows = re.findall(r"^\| (\w+) \| `(begroot/[\w/]+)\.py` \|", MAP.read_text(encoding="utf-8"), re.M)
    return {module_name(SRC / f"{path}.py"): layer for layer, path in rows}


def only_docstring(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """The begroot modules ``name`` imports (at the top or inside functions), without the imports
    made only for type checking."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                target = f"{source}.{alias.name}"
                out.append((target if target in known else source, node.lineno))
        elif isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
    return [(target, line) for target, line in out if target in known and target != name]


def test_the_map_names_every_module_and_only_modules_that_exist():
    known, on_map = modules(), mapped()
    assert on_map, "no module found in docs/architecture.md"
    gone = sorted(m for m in on_map if m not in known)
    assert gone == [], f"docs/architecture.md names modules that do not exist: {gone}"
    missing = sorted(m for m, p in known.items() if m not in on_map and not only_docstring(p))
    assert missing == [], f"modules missing from docs/architecture.md: {missing}"
    assert set(on_map.values()) <= set(LAYERS), set(on_map.values()) - set(LAYERS)


def test_imports_follow_the_layers():
    known, on_map = modules(), mapped()
    wrong = []
    for name, path in known.items():
        for target, line in imports(name, path, known):
            if name in on_map and target in on_map and LAYERS.index(on_map[target]) > LAYERS.index(on_map[name]):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {name} ({on_map[name]}) imports "
                             f"{target} ({on_map[target]})")
    assert wrong == []


def test_no_import_circles():
    known = modules()
    graph = {name: {t for t, _ in imports(name, path, known)} for name, path in known.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    circles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_no_module_is_longer_than_about_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_checks_find_what_they_look_for(tmp_path):
    """The import reader sees relative, absolute and function-level imports and skips the
    type-checking ones (else the tests above could pass by seeing nothing)."""
    (tmp_path / "m.py").write_text(
        "from typing import TYPE_CHECKING\nfrom .a import x\nimport b\n"
        "def f():\n    from .c import y\nif TYPE_CHECKING:\n    from .d import z\n", encoding="utf-8")
    known = {n: tmp_path for n in ("begroot.a", "b", "begroot.c", "begroot.d", "begroot.m")}
    found = {t for t, _ in imports("begroot.m", tmp_path / "m.py", known)}
    assert found == {"begroot.a", "b", "begroot.c"}


def test_every_import_of_begroot_resolves():
    """Imports inside functions run only when the function does: each named module and name exists."""
    import importlib

    known = modules()
    missing = []
    for name, path in known.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            if source.split(".")[0] != "begroot":
                continue
            module = importlib.import_module(source)
            for alias in node.names:
                if not hasattr(module, alias.name) and f"{source}.{alias.name}" not in known:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {source} has no {alias.name}")
    assert missing == []
