from typing import Literal

PersonPatchRolesType0Item = Literal[
    "admin", "approver", "auditor", "finance", "integration", "operator", "planner"
]

PERSON_PATCH_ROLES_TYPE_0_ITEM_VALUES: set[PersonPatchRolesType0Item] = {
    "admin",
    "approver",
    "auditor",
    "finance",
    "integration",
    "operator",
    "planner",
}


def check_person_patch_roles_type_0_item(value: str) -> PersonPatchRolesType0Item:
    if value in PERSON_PATCH_ROLES_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PERSON_PATCH_ROLES_TYPE_0_ITEM_VALUES!r}"
    )
