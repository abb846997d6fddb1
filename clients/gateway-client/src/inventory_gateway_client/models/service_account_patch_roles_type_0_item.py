from typing import Literal

ServiceAccountPatchRolesType0Item = Literal[
    "admin", "approver", "auditor", "finance", "integration", "operator", "planner"
]

SERVICE_ACCOUNT_PATCH_ROLES_TYPE_0_ITEM_VALUES: set[ServiceAccountPatchRolesType0Item] = {
    "admin",
    "approver",
    "auditor",
    "finance",
    "integration",
    "operator",
    "planner",
}


def check_service_account_patch_roles_type_0_item(value: str) -> ServiceAccountPatchRolesType0Item:
    if value in SERVICE_ACCOUNT_PATCH_ROLES_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SERVICE_ACCOUNT_PATCH_ROLES_TYPE_0_ITEM_VALUES!r}"
    )
