from typing import Literal

PersonBodyRolesItem = Literal[
    "admin", "approver", "auditor", "finance", "integration", "operator", "planner"
]

PERSON_BODY_ROLES_ITEM_VALUES: set[PersonBodyRolesItem] = {
    "admin",
    "approver",
    "auditor",
    "finance",
    "integration",
    "operator",
    "planner",
}


def check_person_body_roles_item(value: str) -> PersonBodyRolesItem:
    if value in PERSON_BODY_ROLES_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PERSON_BODY_ROLES_ITEM_VALUES!r}"
    )
