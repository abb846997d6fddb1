"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .api_key_body import ApiKeyBody
from .api_key_issued import ApiKeyIssued
from .api_key_view import ApiKeyView
from .audit_entry import AuditEntry
from .audit_page import AuditPage
from .cancel_order_body import CancelOrderBody
from .convert_body import ConvertBody
from .delivery_view import DeliveryView
from .discovery_response_discovery_well_known_openid_configuration_get import (
    DiscoveryResponseDiscoveryWellKnownOpenidConfigurationGet,
)
from .error_body import ErrorBody
from .field_problem import FieldProblem
from .health_response_health_health_get import HealthResponseHealthHealthGet
from .import_file_files_body import ImportFileFilesBody
from .import_file_format_type_0 import ImportFileFormatType0
from .import_file_kind import ImportFileKind
from .import_job_view import ImportJobView
from .import_job_view_status import ImportJobViewStatus
from .item_body import ItemBody
from .item_body_procurement_type import ItemBodyProcurementType
from .item_body_valuation_method import ItemBodyValuationMethod
from .line_body import LineBody
from .list_deliveries_status_type_0 import ListDeliveriesStatusType0
from .location_body import LocationBody
from .me_response_me_v1_me_get import MeResponseMeV1MeGet
from .order_line import OrderLine
from .order_placed import OrderPlaced
from .own_password_body import OwnPasswordBody
from .password_body import PasswordBody
from .person_body import PersonBody
from .person_body_locale import PersonBodyLocale
from .person_body_roles_item import PersonBodyRolesItem
from .person_patch import PersonPatch
from .person_patch_locale_type_0 import PersonPatchLocaleType0
from .person_patch_roles_type_0_item import PersonPatchRolesType0Item
from .person_view import PersonView
from .promise import Promise
from .promise_body import PromiseBody
from .promise_line import PromiseLine
from .promise_step import PromiseStep
from .quote import Quote
from .quote_body import QuoteBody
from .quote_line import QuoteLine
from .quote_status import QuoteStatus
from .receipt_body import ReceiptBody
from .receipt_line import ReceiptLine
from .replay_body import ReplayBody
from .replay_body_statuses_item import ReplayBodyStatusesItem
from .replayed import Replayed
from .revoke_body import RevokeBody
from .revoke_response_400 import RevokeResponse400
from .roles_response_roles_v1_roles_get import RolesResponseRolesV1RolesGet
from .rotate_body import RotateBody
from .row_error_view import RowErrorView
from .service_account_body import ServiceAccountBody
from .service_account_body_roles_item import ServiceAccountBodyRolesItem
from .service_account_created import ServiceAccountCreated
from .service_account_patch import ServiceAccountPatch
from .service_account_patch_roles_type_0_item import ServiceAccountPatchRolesType0Item
from .service_account_view import ServiceAccountView
from .shipment_body import ShipmentBody
from .sign_in_body import SignInBody
from .subscription_body import SubscriptionBody
from .subscription_view import SubscriptionView
from .supplier_body import SupplierBody
from .token_body import TokenBody
from .token_response_400 import TokenResponse400
from .token_response_401 import TokenResponse401
from .userinfo_response_401 import UserinfoResponse401

__all__ = (
    "Accepted",
    "ApiKeyBody",
    "ApiKeyIssued",
    "ApiKeyView",
    "AuditEntry",
    "AuditPage",
    "CancelOrderBody",
    "ConvertBody",
    "DeliveryView",
    "DiscoveryResponseDiscoveryWellKnownOpenidConfigurationGet",
    "ErrorBody",
    "FieldProblem",
    "HealthResponseHealthHealthGet",
    "ImportFileFilesBody",
    "ImportFileFormatType0",
    "ImportFileKind",
    "ImportJobView",
    "ImportJobViewStatus",
    "ItemBody",
    "ItemBodyProcurementType",
    "ItemBodyValuationMethod",
    "LineBody",
    "ListDeliveriesStatusType0",
    "LocationBody",
    "MeResponseMeV1MeGet",
    "OrderLine",
    "OrderPlaced",
    "OwnPasswordBody",
    "PasswordBody",
    "PersonBody",
    "PersonBodyLocale",
    "PersonBodyRolesItem",
    "PersonPatch",
    "PersonPatchLocaleType0",
    "PersonPatchRolesType0Item",
    "PersonView",
    "Promise",
    "PromiseBody",
    "PromiseLine",
    "PromiseStep",
    "Quote",
    "QuoteBody",
    "QuoteLine",
    "QuoteStatus",
    "ReceiptBody",
    "ReceiptLine",
    "ReplayBody",
    "ReplayBodyStatusesItem",
    "Replayed",
    "RevokeBody",
    "RevokeResponse400",
    "RolesResponseRolesV1RolesGet",
    "RotateBody",
    "RowErrorView",
    "ServiceAccountBody",
    "ServiceAccountBodyRolesItem",
    "ServiceAccountCreated",
    "ServiceAccountPatch",
    "ServiceAccountPatchRolesType0Item",
    "ServiceAccountView",
    "ShipmentBody",
    "SignInBody",
    "SubscriptionBody",
    "SubscriptionView",
    "SupplierBody",
    "TokenBody",
    "TokenResponse400",
    "TokenResponse401",
    "UserinfoResponse401",
)
