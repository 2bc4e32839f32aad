"""Whose visits a page shows: mine, my team's, one RM's, or everyone's."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from crm.services.records import UserInfo
from crm.services.today import Scope
from crm.ui.common.context import UiContext


def scopes_for(
    user: UserInfo | None, users: list[UserInfo], labels: dict[str, str]
) -> list[tuple[str, Scope]]:
    """The choices, the default first: an RM's own book, a lead's team, everyone's else."""
    rms = [u for u in users if u.role in ("rm", "lead")]
    choices: list[tuple[str, Scope]] = []
    if user is not None and user.team_id:
        team = [u for u in rms if u.team_id == user.team_id]
        team_scope = Scope(tuple(sorted(u.id for u in team)), user.team_name or "")
        mine = Scope((user.id,), user.display_name)
        if user.role == "lead":
            choices.append((labels["team"], team_scope))
            choices.append((labels["mine"], mine))
        else:
            choices.append((labels["mine"], mine))
            choices.append((labels["team"], team_scope))
        others = [u for u in team if u.id != user.id]
    else:
        choices.append((labels["everyone"], Scope(None)))
        others = rms
    choices.extend((u.display_name, Scope((u.id,), u.display_name)) for u in others)
    if user is not None and user.role == "admin":
        choices.insert(0, (labels["everyone"], Scope(None)))
    return choices


class ScopeBox(QComboBox):
    scopeChanged = Signal(object)  # Scope

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scopeBox")
        names = {
            "mine": self.tr("My visits"),
            "team": self.tr("My team"),
            "everyone": self.tr("Everyone"),
        }
        self.choices = scopes_for(ui.user, ui.users, names)
        for text, _scope in self.choices:
            self.addItem(text)
        self.setToolTip(self.tr("Whose visits to show"))
        self.currentIndexChanged.connect(lambda _n: self.scopeChanged.emit(self.scope()))

    def scope(self) -> Scope:
        index = max(self.currentIndex(), 0)
        return self.choices[index][1] if self.choices else Scope(None)
