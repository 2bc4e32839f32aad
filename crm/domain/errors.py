"""Errors that reach people, kept as templates so the presentation layer can translate them.

Every template is a string literal at the place that raises (or builds a `Message`), so a
catalogue extractor can find it by grepping; params are filled in only when rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


def _same(template: str) -> str:
    return template


class Message:
    """A translatable fragment that one error combines with others (e.g. several shortfalls)."""

    __slots__ = ("params", "template")

    def __init__(self, template: str, /, **params: object) -> None:
        self.template = template
        self.params: dict[str, object] = params

    def render(self, translate: Callable[[str], str] = _same) -> str:
        return render(self.template, self.params, translate)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.template!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return (self.template, self.params) == (other.template, other.params)

    def __hash__(self) -> int:
        return hash(self.template)


class DomainError(ValueError):
    """A user mistake or refused action; the message is for people, in English, translatable."""

    code: str
    template: str
    params: dict[str, object]

    def __init__(self, code: str, template: str, /, **params: object) -> None:
        self.code = code
        self.template = template
        self.params = params
        # args keeps the English text so tracebacks and logs stay readable.
        super().__init__(render(template, params))

    def render(self, translate: Callable[[str], str] = _same) -> str:
        """The message with `translate` applied to this template and to any nested fragments."""
        return render(self.template, self.params, translate)

    def __str__(self) -> str:
        return self.render()


def render(
    template: str, params: Mapping[str, object], translate: Callable[[str], str] = _same
) -> str:
    """Fill `template` with `params`; nested `Message`s are translated too, sequences joined."""
    return translate(template).format(
        **{key: _render_param(value, translate) for key, value in params.items()}
    )


def _render_param(value: object, translate: Callable[[str], str]) -> object:
    if isinstance(value, Message):
        return value.render(translate)
    if isinstance(value, tuple | list):
        parts = [str(_render_param(item, translate)) for item in value]
        # Whole clauses read better apart with semicolons; plain values with commas.
        separator = "; " if any(isinstance(item, Message) for item in value) else ", "
        return separator.join(parts)
    return value
