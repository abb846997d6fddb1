"""Each service starts under the Kubernetes manifests: its settings object, built from exactly
the environment its Deployment gives a container (env, ConfigMaps and Secrets, the Secrets
filled in as an operator would), passes the production checks; and a secret left at a
development default or a placeholder is refused."""

from __future__ import annotations

import base64
import importlib
import re
import secrets
from typing import Any

import pytest
from inventory_runtime.settings import ServiceSettings, dev_database_url
from pydantic import ValidationError

from tests.deploy.artifacts import SERVICES
from tests.deploy.test_k8s import containers, k8s, template_secrets

SETTINGS_CLASSES = {
    "stock-ledger": "stock_ledger.config:StockLedgerSettings",
    "reservation": "reservation.config:ReservationSettings",
    "replenishment": "replenishment.config:ReplenishmentSettings",
    "approval": "approval.config:ApprovalSettings",
    "alerting": "alerting.config:AlertingSettings",
    "integration-gateway": "integration_gateway.config:IntegrationGatewaySettings",
}

Secrets = dict[str, dict[str, str]]


def settings_class(service: str) -> type[ServiceSettings]:
    module, name = SETTINGS_CLASSES[service].split(":")
    found: object = getattr(importlib.import_module(module), name)
    assert isinstance(found, type) and issubclass(found, ServiceSettings)
    return found


def filled_secrets() -> Secrets:
    """secrets.example.yaml as an operator fills it: a database host, strong random secrets."""

    def fill(match: re.Match[str]) -> str:
        if match.group(0) == "REPLACE_ME_DB_HOST":
            return "postgres.db.internal"
        if match.group(0) == "REPLACE_ME_DATA_ENCRYPTION_KEY":
            return base64.b64encode(secrets.token_bytes(32)).decode()
        return secrets.token_urlsafe(24)

    return {
        name: {key: re.sub(r"REPLACE_ME_[A-Z_]+", fill, value) for key, value in data.items()}
        for name, data in template_secrets().items()
    }


def pod_env(container: dict[str, Any], secret_data: Secrets) -> dict[str, str]:
    """The environment Kubernetes gives `container`: envFrom first, then env over it."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(k8s("ConfigMap", source["configMapRef"]["name"])["data"])
        if "secretRef" in source:
            env.update(secret_data[source["secretRef"]["name"]])
    for entry in container.get("env", []):
        if "value" in entry:
            env[entry["name"]] = entry["value"]
            continue
        ref = entry["valueFrom"].get("secretKeyRef") or entry["valueFrom"]["configMapKeyRef"]
        if "secretKeyRef" in entry["valueFrom"]:
            source = secret_data.get(ref["name"], {})
        else:
            source = k8s("ConfigMap", ref["name"])["data"]
        if ref["key"] in source:
            env[entry["name"]] = source[ref["key"]]
        else:
            assert ref.get("optional"), f"{container['name']}: {ref} missing: the pod won't start"
    return env


def build(service: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> ServiceSettings:
    """The service's settings from `env` alone (nothing of this test process's environment)."""
    cls = settings_class(service)
    for name in cls.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return cls()


def service_containers(service: str) -> list[dict[str, Any]]:
    return containers(k8s("Deployment", service)["spec"]["template"]["spec"])


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_builds_its_production_settings_from_its_deployment(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_data = filled_secrets()
    for container in service_containers(service):  # the migration builds them too
        env = pod_env(container, secret_data)
        assert env["ENVIRONMENT"] == "production"
        settings = build(service, env, monkeypatch)
        assert settings.environment == "production"
        assert settings.service_name == service
        assert settings.database_url == secret_data[f"{service}-database"]["DATABASE_URL"]
        for name in settings.secrets:
            assert getattr(settings, name) == env.get(name.upper(), getattr(settings, name))


def declared_secret_refs(service: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(variable, container, its secretKeyRef) for every declared secret a container sets."""
    refs = []
    for container in service_containers(service):
        for entry in container.get("env", []):
            if entry["name"].lower() in settings_class(service).secrets:
                refs.append((entry["name"], container, entry["valueFrom"]["secretKeyRef"]))
    return refs


@pytest.mark.parametrize("service", SERVICES)
def test_every_secret_comes_from_a_secret(service: str) -> None:
    cls = settings_class(service)
    config = k8s("ConfigMap", "inventory-config")["data"]
    assert not {name.lower() for name in config} & set(cls.secrets), "a secret in a ConfigMap"
    refs = declared_secret_refs(service)
    for container in service_containers(service):
        for entry in container.get("env", []):
            if entry["name"].lower() in cls.secrets:
                assert "value" not in entry, f"{entry['name']} written into the manifest"
        set_here = {name for name, c, _ in refs if c is container}
        required = {name.upper() for name, rule in cls.secrets.items() if rule.required}
        assert required <= set_here, f"{container['name']} lacks {required - set_here}"
    for name, _, ref in refs:
        assert ref["name"] in template_secrets(), f"{name}: Secret not in secrets.example.yaml"
        if not ref.get("optional"):
            assert "REPLACE_ME" in template_secrets()[ref["name"]][ref["key"]], (
                "the template must hold placeholders, not credentials"
            )


def weakened(service: str, secret_data: Secrets, how: str) -> list[tuple[str, Secrets]]:
    """For each non-optional secret a Deployment takes, the Secrets with that value left at a
    development default (`how="development"`) or at its placeholder (`how="placeholder"`)."""
    cases: list[tuple[str, Secrets]] = []
    for name, _, ref in declared_secret_refs(service):
        if ref.get("optional") or any(case == name for case, _ in cases):
            continue
        rule = settings_class(service).secrets[name.lower()]
        if how == "placeholder":
            value = template_secrets()[ref["name"]][ref["key"]]
        elif rule.in_url:
            value = dev_database_url(service.replace("-", "_"))
        else:
            value = sorted(rule.development_values)[0]
        changed = {**secret_data, ref["name"]: {**secret_data[ref["name"]], ref["key"]: value}}
        cases.append((name, changed))
    return cases


@pytest.mark.parametrize("how", ["development", "placeholder"])
@pytest.mark.parametrize("service", SERVICES)
def test_a_secret_left_at_a_development_default_or_placeholder_is_refused(
    service: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = weakened(service, filled_secrets(), how)
    assert cases, "every Deployment takes at least its database URL from a Secret"
    for name, secret_data in cases:
        for container in service_containers(service):
            env = pod_env(container, secret_data)
            with pytest.raises(ValidationError, match=f"refusing to start in production: .*{name}"):
                build(service, env, monkeypatch)


def test_the_gateway_takes_its_bootstrap_key_and_optional_write_back_from_its_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret_data = filled_secrets()
    api = secret_data["integration-gateway-api"]
    api["ERP_WEBHOOK_URL"] = "https://erp.example.com/inventory/purchase-orders"
    api["ERP_WEBHOOK_SECRET"] = secrets.token_urlsafe(24)
    (*_, server) = service_containers("integration-gateway")
    values = build("integration-gateway", pod_env(server, secret_data), monkeypatch).model_dump()
    assert values["bootstrap_api_key"] == api["BOOTSTRAP_API_KEY"]
    assert values["erp_webhook_url"] == api["ERP_WEBHOOK_URL"]
    assert values["erp_webhook_secret"] == api["ERP_WEBHOOK_SECRET"]
    api["ERP_WEBHOOK_SECRET"] = "too-short"
    with pytest.raises(ValidationError, match="ERP_WEBHOOK_SECRET is shorter than 16"):
        build("integration-gateway", pod_env(server, secret_data), monkeypatch)
