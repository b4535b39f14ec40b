"""Navigation entries, contributed by each feature package and filtered by the user's role."""

from dataclasses import dataclass

from flask import current_app

from app.core.enums import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role]
    order: int = 100
    group: str = ""


_ITEMS: list[NavItem] = []


def add_nav_item(label, endpoint: str, roles, order: int = 100, group: str = "") -> None:
    """Register a menu entry; ``group`` puts it in a drop-down (e.g. "Administration")."""
    item = NavItem(label, endpoint, frozenset(Role(r) for r in roles), order, group)
    if item.endpoint not in {i.endpoint for i in _ITEMS}:
        _ITEMS.append(item)


def navigation_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    known = current_app.view_functions
    return sorted(
        (i for i in _ITEMS if i.endpoint in known and user.has_role(*i.roles)),
        key=lambda i: (i.order, str(i.label)),
    )
