from typing import Literal

ServiceAccountBodyRolesItem = Literal[
    "admin", "approver", "auditor", "finance", "integration", "operator", "planner"
]

SERVICE_ACCOUNT_BODY_ROLES_ITEM_VALUES: set[ServiceAccountBodyRolesItem] = {
    "admin",
    "approver",
    "auditor",
    "finance",
    "integration",
    "operator",
    "planner",
}


def check_service_account_body_roles_item(value: str) -> ServiceAccountBodyRolesItem:
    if value in SERVICE_ACCOUNT_BODY_ROLES_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SERVICE_ACCOUNT_BODY_ROLES_ITEM_VALUES!r}"
    )
