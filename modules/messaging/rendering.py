"""Rendering e-mail templates people write, safely (PRACTICES.md: user-editable templates).

A vendor's template is Jinja source run in ``jinja2.sandbox.SandboxedEnvironment``, hardened
further here:

- **Only plain values.** The context is rebuilt by ``plain()`` from the documented variables:
  strings, numbers, booleans, None, and lists and dicts of those. Model instances, querysets,
  callables never get in, so a template cannot reach the database or a method.
- **No attribute access.** ``is_safe_attribute`` refuses every attribute, so ``{{ x.y }}``
  reads dict keys only (``line.title``), never ``__class__``, ``items`` or a method.
- **No globals** (no ``range``, ``lipsum``, ``cycler``, ``namespace``…) and string or list
  repetition and powers are capped, so a template cannot spin or fill the memory.
- **Autoescape** for the HTML body (``html=True``): a customer's name cannot inject markup; the
  result is also cleaned with nh3, as every HTML people write is (the vendor's own markup
  included: no scripts, no event handlers in a mail or in the portal's preview). Subjects and
  text bodies are plain text: no escaping, and a subject is one line.
- **Only documented names.** ``check`` parses a template and lists what it uses that the type
  does not document; the editor refuses such a template with the names, and syntax errors come
  back as ``TemplateProblem`` with the line, for the form (never a 500). A missing variable at
  send time renders empty.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import nh3
from jinja2 import TemplateSyntaxError, Undefined, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

MAX_SOURCE = 20_000  # characters of one template
MAX_REPEAT = 1_000  # "x" * n, [..] * n
MAX_POWER = 100
MAX_DEPTH = 5  # nested lists and dicts in the context


class TemplateProblem(Exception):  # noqa: N818 - reads as what it is
    """A template that cannot be used: its message is for the person who wrote it."""

    def __init__(self, message: str, lineno: int | None = None) -> None:
        super().__init__(message)
        self.message, self.lineno = message, lineno


class _Environment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False  # dict keys only: see getattr below

    def is_safe_callable(self, obj: Any) -> bool:
        return False  # no method, no function: the context has none anyway

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(times, int)
                    and (times > MAX_REPEAT or len(seq) * times > MAX_SOURCE * 10)
                ):
                    raise SecurityError("repetition too large")
            return operator.mul(left, right)
        if operator_ == "**":
            if isinstance(right, int | float) and abs(right) > MAX_POWER:
                raise SecurityError("power too large")
            return operator.pow(left, right)
        return super().call_binop(context, operator_, left, right)


@functools.cache
def environment(html: bool) -> SandboxedEnvironment:
    env = _Environment(autoescape=html, undefined=Undefined, keep_trailing_newline=True)
    env.globals.clear()
    return env


def plain(value: Any, depth: int = 0) -> Any:
    """``value`` as plain data a template may see: str, int, float, bool, None, and lists and
    dicts of those (keys as strings). Decimals become strings (money is never a float); anything
    else (a model, a date, a function) becomes its text, so nothing with behaviour gets in."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if depth >= MAX_DEPTH:
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, depth + 1) for v in value]
    return str(value)


def _source(source: str) -> str:
    if len(source) > MAX_SOURCE:
        raise TemplateProblem(f"longer than {MAX_SOURCE} characters")
    return source


def check(source: str, allowed: Iterable[str], *, html: bool = False) -> list[str]:
    """The names ``source`` uses that are not in ``allowed`` (empty: fine). Raises
    ``TemplateProblem`` when it does not parse."""
    env = environment(html)
    try:
        tree = env.parse(_source(source))
    except TemplateSyntaxError as error:
        raise TemplateProblem(error.message or str(error), error.lineno) from None
    used = meta.find_undeclared_variables(tree)
    # Loop variables and {% set %} names are the template's own.
    own = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    return sorted(used - set(allowed) - own)


def render(source: str, context: Mapping[str, Any], *, html: bool = False) -> str:
    """``source`` rendered with ``context`` made plain; ``TemplateProblem`` when it cannot be
    (a syntax error, a sandbox refusal, a runtime error of the template)."""
    env = environment(html)
    try:
        template = env.from_string(_source(source))
        result = template.render(plain(dict(context)))
    except TemplateSyntaxError as error:
        raise TemplateProblem(error.message or str(error), error.lineno) from None
    except SecurityError as error:
        raise TemplateProblem(str(error)) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as error:
        raise TemplateProblem(str(error)) from None
    return clean_html(result) if html else result


def subject_line(text: str, limit: int = 255) -> str:
    """One line (e-mail headers cannot hold line breaks), at most ``limit`` characters."""
    return " ".join(text.split())[:limit]


def clean_html(html: str) -> str:
    """HTML people wrote, without scripts, event handlers or ``javascript:`` links."""
    return nh3.clean(html)
