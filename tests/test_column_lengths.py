"""Every enum-like string the code can store fits its column, on PostgreSQL as on SQLite.

SQLite ignores VARCHAR lengths, so an overflow shows only on PostgreSQL, as a job that raises
on every retry (issue 13: a 49-character outcome in a 40-character column). The strings are
read out of the source: outcome names, event actions, actor kinds, statuses, steps, channels
and the like, with f-strings expanded over the command verbs and a variable followed to the
literals assigned to it or passed for it. A value the test cannot follow fails the test.
"""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Enum, String

from hotline.intake.conversation import MENU_LIMITED
from hotline.models import Base
from hotline.sms.commands import Verb
from hotline.sms.templates import TemplateBook, default_template_root

SOURCE = Path(__file__).resolve().parents[1] / "hotline"
VERBS = [v.value for v in Verb]


def column_lengths() -> dict[str, int]:
    """The shortest String length of each column name across the tables (a name is a name)."""
    lengths: dict[str, int] = {}
    unlimited: set[str] = set()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                lengths[column.name] = min(column.type.length, lengths.get(column.name, 10**6))
            else:
                unlimited.add(column.name)
    # A name that is free text in one table (a request's `need`) cannot be told apart here.
    return {name: length for name, length in lengths.items() if name not in unlimited}


LENGTHS = column_lengths()
# Columns that hold what people type or numbers from the edge (cleaned in hotline.storable),
# not names the code writes.
PEOPLE_WRITE = {"name", "phone_number", "from_number", "to_number", "provider_sid", "code"}
PEOPLE_WRITE |= {"call_sid", "hotline_number", "region", "zone", "dedupe_key", "password_hash"}
PEOPLE_WRITE |= {"language", "default_language", "emergency_number", "location_digits"}
PEOPLE_WRITE |= {"actor_label", "template"}  # templates are checked from the template book
PEOPLE_WRITE |= {"opt_out_type", "recording_url"}  # the provider's words, cut to fit at the edge
TRACKED = set(LENGTHS) - PEOPLE_WRITE
# Calls whose positional argument (index) is stored in a column.
POSITIONAL = {("record_event", 3): "action", ("Actor", 0): "actor_kind", ("outcome", 0): "outcome"}


MODELS = {mapper.class_.__name__ for mapper in Base.registry.mappers}
# The families a person reads on the record: each must be followed to its literals.
MUST_RESOLVE = ("outcome", "action", "actor_kind")


@dataclass
class Scan:
    calls: list[tuple[ast.Call, ast.AST, dict[str, Any]]]  # call, enclosing scope, globals
    # Parameters being followed to their callers now: two functions of one name (dispatch's
    # and lifecycle's `claim`) pass a parameter to each other, and a cycle adds no string.
    following: set[tuple[int, str]] = field(default_factory=set)

    def strings(self, node: ast.AST, scope: ast.AST | None, names: dict[str, Any]) -> Iterator[str]:
        """Every string `node` can be; "<unresolved ...>" where it cannot be followed."""
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                yield node.value
        elif isinstance(node, ast.JoinedStr):
            yield from self._joined(node)
        elif isinstance(node, ast.IfExp):
            yield from self.strings(node.body, scope, names)
            yield from self.strings(node.orelse, scope, names)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            for left in self.strings(node.left, scope, names):
                for right in self.strings(node.right, scope, names):
                    yield left + right
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                yield from self.strings(value, scope, names)
        elif isinstance(node, ast.Name | ast.Attribute):
            try:
                value = eval(ast.unparse(node), dict(names))  # our own source
            except Exception:  # a local name, or a value only known at run time
                if isinstance(node, ast.Name) and scope is not None:
                    yield from self._name(node.id, scope, names)
                # Else an attribute of a loaded row or object: a copy of a value already
                # stored, checked where it was first written.
                return
            if isinstance(value, str):
                yield str(value)
        elif isinstance(node, ast.Call) and _enum_class(node.func, names) is not None:
            yield from (m.value for m in _enum_class(node.func, names) or ())
        else:
            yield f"<unresolved {ast.unparse(node)}>"

    def _joined(self, node: ast.JoinedStr) -> Iterator[str]:
        combos = [""]
        for value in node.values:
            if isinstance(value, ast.Constant):
                options = [str(value.value)]
            elif "verb" in ast.unparse(value):
                options = VERBS
            else:
                options = [f"<unresolved {ast.unparse(value)}>"]
            combos = [c + o for c in combos for o in options]
        yield from combos

    def _name(self, name: str, scope: ast.AST, names: dict[str, Any]) -> Iterator[str]:
        if (allowed := _guarded(name, scope)) is not None:
            yield from allowed  # `if name not in {...}: raise` lets only these through
            return
        assigned = [
            n.value
            for n in ast.walk(scope)
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
        ]
        for value in assigned:
            yield from self.strings(value, None, names)
        if assigned or not isinstance(scope, ast.FunctionDef):
            return
        params = [a.arg for a in scope.args.posonlyargs + scope.args.args + scope.args.kwonlyargs]
        if name not in params:
            yield f"<unresolved {name}>"
            return
        index = params.index(name) - (1 if params and params[0] in ("self", "cls") else 0)
        if (id(scope), name) in self.following:
            return
        self.following.add((id(scope), name))
        try:
            yield from self._callers(scope.name, name, index)
        finally:
            self.following.discard((id(scope), name))

    def _callers(self, function: str, name: str, index: int) -> Iterator[str]:
        for call, caller, caller_names in self.calls:
            if _called(call) != function:
                continue
            for keyword in call.keywords:
                if keyword.arg == name:
                    yield from self.strings(keyword.value, caller, caller_names)
            if 0 <= index < len(call.args):
                yield from self.strings(call.args[index], caller, caller_names)


def _guarded(name: str, scope: ast.AST) -> list[str] | None:
    for node in ast.walk(scope):
        if not isinstance(node, ast.If):
            continue
        test = node.test
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and test.left.id == name
            and isinstance(test.ops[0], ast.NotIn)
            and isinstance(test.comparators[0], ast.Set | ast.Tuple | ast.List)
            and any(isinstance(n, ast.Raise) for n in node.body)
        ):
            return [ast.literal_eval(e) for e in test.comparators[0].elts]
    return None


def _enum_class(func: ast.expr, names: dict[str, Any]) -> type[StrEnum] | None:
    try:
        found = eval(ast.unparse(func), dict(names))  # our own source
    except Exception:  # an expression that needs a request or a row: not a constant
        return None
    return found if isinstance(found, type) and issubclass(found, StrEnum) else None


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _scopes(tree: ast.Module) -> Iterator[tuple[ast.AST, ast.AST]]:
    """(node, the function it is in, or the module)."""

    def visit(node: ast.AST, scope: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
            yield child, inner
            yield from visit(child, inner)

    yield from visit(tree, tree)


def stored_strings() -> dict[str, set[tuple[str, str]]]:
    """Column name -> (string, where) for every string the code stores in it."""
    modules = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts or path.name == "__main__.py":
            continue  # Alembic's scripts run only under Alembic; they write no rows
        dotted = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        dotted = dotted.removesuffix(".__init__")
        names = vars(importlib.import_module(dotted))
        modules.append((path, ast.parse(path.read_text()), names))
    scan = Scan(
        [
            (node, scope, names)
            for _, tree, names in modules
            for node, scope in _scopes(tree)
            if isinstance(node, ast.Call)
        ]
    )
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path, tree, names in modules:
        for node, scope in _scopes(tree):
            for column, value in _writes(node):
                where = f"{path.relative_to(SOURCE.parent)}:{getattr(value, 'lineno', 0)}"
                for text in scan.strings(value, scope, names):
                    found[column].add((text, where))
    return found


def _writes(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """Values going into a column: a model's constructor, `.values(...)`, `row.column = ...`."""
    if isinstance(node, ast.Call):
        if _called(node) in MODELS or _called(node) == "values":
            for keyword in node.keywords:
                if keyword.arg in TRACKED:
                    yield keyword.arg, keyword.value
        for (func, index), column in POSITIONAL.items():
            if _called(node) == func and index < len(node.args):
                yield column, node.args[index]
    elif isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr in TRACKED:
                yield target.attr, node.value


def test_every_stored_name_fits_its_column() -> None:
    found = stored_strings()
    assert found["outcome"] and found["action"] and found["actor_kind"]  # the scan sees them
    too_long = sorted(
        (column, text, where)
        for column, values in found.items()
        for text, where in values
        if not text.startswith("<unresolved") and len(text) > LENGTHS[column]
    )
    unresolved = sorted(
        (column, text, where)
        for column in MUST_RESOLVE
        for text, where in found[column]
        if text.startswith("<unresolved")
    )
    assert (too_long, unresolved) == ([], [])


def test_an_outcome_with_its_menu_limit_note_fits() -> None:
    length = LENGTHS["outcome"]
    outcomes = {t for t, _ in stored_strings()["outcome"] if not t.startswith("<unresolved")}
    assert max(len(o) + len(MENU_LIMITED) for o in outcomes) <= length


def test_every_template_name_fits() -> None:
    length = column_lengths()["template"]
    assert max(map(len, TemplateBook(default_template_root()).keys())) <= length


def test_every_status_enum_value_fits() -> None:
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum) and column.type.enum_class is not None:
                for member in column.type.enum_class:
                    assert len(member.value) <= (column.type.length or 0), (column, member)
