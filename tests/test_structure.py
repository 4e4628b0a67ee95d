"""The shape of the code: apps import downwards only, no file imports itself back through others,
functions stay short, and the README's map of routes and tasks is true."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, resolve

from tests.conftest import ROOT

PACKAGES = ("adcreative", "workers", "presets")
# The apps from the bottom up: each may import those before it, never one after it.
APPS = (
    "api",
    "tenancy",
    "catalog",
    "assets",
    "recommendations",
    "finetunes",
    "creatives",
    "downloads",
    "notifications",
    "ops",
)


def sources() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports, at the top or inside a function (both run some time)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and not name.endswith("__init__"):
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    paths = {module_of(path): path for path in sources()}
    packages = {name for name, path in paths.items() if path.name == "__init__.py"}
    # A package's __init__ only hands names on; an import through it is an import of the module named.
    return {name: imports_of(path, set(paths)) - packages - {name} for name, path in paths.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                found.append(sorted([node, *group]))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def app_of(module: str) -> str:
    """The app a module belongs to; a project module (urls, settings, celery…) stands for itself."""
    parts = module.split(".")
    if parts[0] != "adcreative" or len(parts) < 2:
        return parts[0]
    return parts[1] if parts[1] in APPS else module


def test_it_has_no_import_circles() -> None:
    assert circles(graph()) == []


def test_it_has_no_import_circles_between_apps_either() -> None:
    apps: dict[str, set[str]] = {}
    for module, imported in graph().items():
        apps.setdefault(app_of(module), set()).update(app_of(other) for other in imported)
    assert circles({app: targets - {app} for app, targets in apps.items()}) == []


def test_apps_import_only_the_apps_below_them() -> None:
    upward = []
    for module, imported in graph().items():
        if app_of(module) not in APPS:
            continue
        for other in imported:
            if app_of(other) in APPS and APPS.index(app_of(other)) > APPS.index(app_of(module)):
                upward.append(f"{module} -> {other}")
    assert upward == []


def test_the_pipeline_knows_nothing_of_django_or_celery() -> None:
    offenders = []
    for path in sources():
        if path.parts[len(ROOT.parts)] in ("workers", "presets"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = (
                        [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                    )
                    offenders += [
                        f"{path.name}: {n}"
                        for n in names
                        if n.split(".")[0] in ("django", "celery", "adcreative")
                    ]
    assert offenders == []


def test_the_client_speaks_to_the_service_over_http_only() -> None:
    imported = set()
    for path in sorted((ROOT / "client").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add((node.module or "").split(".")[0])
    assert "photoshoot" in imported and "requests" in imported
    assert (
        imported & {"django", "rest_framework", "celery", "adcreative", "workers", "presets", "tests"}
        == set()
    )


def function_lengths() -> list[tuple[int, str]]:
    """Each function's length in statements: a call that the formatter lays out one argument a line is one
    statement, as it is one thought (counting lines made code squeeze calls onto one line to pass)."""
    lengths = []
    for package in ("adcreative", "workers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    statements = sum(isinstance(s, ast.stmt) for part in node.body for s in ast.walk(part))
                    lengths.append((statements, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"))
    return sorted(lengths, reverse=True)


def test_functions_stay_short() -> None:
    """A smoke alarm, not a target: none past 30 statements, few past 20."""
    lengths = function_lengths()
    assert [name for statements, name in lengths if statements > 30] == []
    assert len([name for statements, name in lengths if statements > 20]) <= 10, [
        n for statements, n in lengths if statements > 20
    ]


def readme_table(heading: str) -> list[list[str]]:
    text = (ROOT / "README.md").read_text()
    section = text.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_the_readme_names_the_module_of_every_route() -> None:
    from adcreative.urls import urlpatterns

    listed = {}
    for routes, module in readme_table("### Where each route is served"):
        for route in re.findall(r"`([^`]+)`", routes):
            listed[route] = module.strip("`")
    for route, module in listed.items():
        concrete = route.replace("<presetId>", "white_background")
        concrete = re.sub(r"<[^>]+>", "00000000-0000-0000-0000-000000000001", concrete)
        served_by = resolve(f"/{concrete}").func.__module__.replace(".", "/") + ".py"
        assert served_by == module, f"{route} is served by {served_by}, the README says {module}"
    # Every API route is in the table (admin, schema and docs are Django's and DRF's own).
    api_routes = [
        str(p.pattern)
        for p in urlpatterns
        if isinstance(p, URLPattern) and str(p.pattern).startswith("api/v1/")
    ]
    assert len(api_routes) == len([r for r in listed if r.startswith("api/v1/")])


def test_the_readme_names_the_module_and_queue_of_every_task() -> None:
    from adcreative.celery import app

    app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    listed = {}
    for names, queue, module in readme_table("### Where each Celery task runs"):
        for name in re.findall(r"`([^`]+)`", names):
            listed[name] = (queue, module.strip("`"))
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert set(listed) == ours
    for name, (queue, module) in listed.items():
        assert app.tasks[name].__module__.replace(".", "/") + ".py" == module, name
        assert ("gpu" if name.startswith("gpu.") else "default") == queue, name


@pytest.mark.parametrize("name", ["studio", "diffusion"])
def test_one_registry_chooses_the_engine(name: str, settings: object) -> None:
    from adcreative import engines

    setattr(settings, "GENERATION_ENGINE", name)  # noqa: B010
    assert engines.chosen().name == name and engines.chosen() is engines.REGISTRY[name]


def test_every_question_about_an_engine_asks_its_declared_capabilities() -> None:
    """Only the registry reads GENERATION_ENGINE, and no code feels an engine out with hasattr/getattr: what
    an engine can do is its `Capabilities` (workers/capabilities.py)."""
    readers, probes = [], []
    for path in [*(ROOT / "adcreative").rglob("*.py"), *(ROOT / "workers").rglob("*.py")]:
        if "migrations" in path.parts:
            continue
        code = path.read_text()
        if re.search(r"settings\.GENERATION_ENGINE", code) and path.name not in ("engines.py", "settings.py"):
            readers.append(str(path.relative_to(ROOT)))
        if re.search(r"(hasattr|getattr)\(\s*engine\b", code):
            probes.append(str(path.relative_to(ROOT)))
    assert (readers, probes) == ([], [])


def app_files() -> Iterator[tuple[str, Path, ast.AST]]:
    for path in sources():
        parts = path.relative_to(ROOT).parts
        if parts[0] == "adcreative" and len(parts) > 2 and parts[1] in APPS:
            yield parts[1], path, ast.parse(path.read_text())


def upward_relations() -> dict[str, str]:
    """Reverse relations an app declares on a lower app's model (name in code and in lookups → declaring app)."""
    from django.apps import apps

    found: dict[str, str] = {}
    for model in apps.get_models():
        owner = model._meta.app_label
        field: Any
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model) or owner not in APPS:
                continue
            target = field.related_model._meta.app_label
            accessor = field.remote_field.get_accessor_name()
            if target in APPS and target != owner and accessor and not accessor.endswith("+"):
                found[accessor] = found[field.related_query_name()] = owner
    return found


def test_no_app_follows_a_reverse_relation_that_an_app_above_it_declares() -> None:
    """A reverse relation is an import in disguise: `application.processes` in the tenancy app reaches up
    into creatives. Names in code and every step of a lookup (`a__processes__b`) count."""
    upward, reaching = upward_relations(), []
    for app, path, tree in app_files():
        for node in ast.walk(tree):
            names = [node.attr] if isinstance(node, ast.Attribute) else []
            if isinstance(node, ast.keyword) and node.arg and "__" in node.arg:
                names = node.arg.split("__")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
                names = node.value.split("__")
            for name in names:
                if name in upward and APPS.index(app) < APPS.index(upward[name]):
                    reaching.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)} {name}")
    assert reaching == []


WRITES = {"update", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "save"}


def test_each_app_writes_only_its_own_tables_and_registers_only_its_own_admin() -> None:
    """Another app's rows change through that app's services (or a signal it listens to). Deletes are the
    operators' retention's (ops) as well: a record's files go with it whoever deletes it."""
    found = []
    for app, path, tree in app_files():
        foreign = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and re.fullmatch(r"adcreative\.(\w+)\.models", node.module or "")
            and (node.module or "").split(".")[1] != app
            for alias in node.names
        }  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                root: ast.AST = node.func.value
                while isinstance(root, ast.Attribute | ast.Call | ast.Subscript):
                    root = root.func if isinstance(root, ast.Call) else root.value
                written = isinstance(root, ast.Name) and root.id in foreign
                if written and (node.func.attr in WRITES or (node.func.attr == "delete" and app != "ops")):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}")
                on_site = node.func.attr in ("register", "unregister") and "site" in ast.unparse(
                    node.func.value
                )
                if on_site and (
                    node.func.attr == "unregister" or any(ast.unparse(a) in foreign for a in node.args)
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} admin.site.{node.func.attr}")
    assert found == []
