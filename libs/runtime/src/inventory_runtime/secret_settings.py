"""Secret settings: how they are declared and checked outside development (`settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEV_PASSWORD = "inventory"


def dev_database_url(database: str) -> str:
    """Return the local-stack URL of `database` (role and password ``inventory``).

    Meant as a development default only: `ServiceSettings` refuses it in production.
    """
    return f"postgresql+asyncpg://inventory:{DEV_PASSWORD}@127.0.0.1:5432/{database}"


def redact_url(url: str) -> str:
    """`url` with its password replaced by ``***`` (for logs and reprs)."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


PLACEHOLDER = "REPLACE_ME"
"""What the deployment templates (deploy/k8s/secrets.example.yaml) put where a secret goes."""


class UnsafeSettingsError(ValueError):
    """A setting that is fine on a laptop was left at its default in production."""


@dataclass(frozen=True)
class SecretSetting:
    """How a secret setting is checked outside development (see `ServiceSettings.secrets`).

    `development_values` are the values the repository ships (defaults, compose, scripts),
    refused outside development; `required` refuses an empty value; `min_length` a short one.
    With `in_url`, the secret is the password of a URL (a database URL).
    """

    development_values: frozenset[str] = frozenset()
    required: bool = False
    min_length: int = 16
    in_url: bool = False

    def problem(self, env_name: str, value: str | None) -> str | None:
        """What is wrong with `value` as the secret `env_name`, or None when it will do."""
        secret = urlsplit(value).password if self.in_url and value else value
        if not secret:
            if not self.required:
                return None
            return f"{env_name} has no password" if self.in_url else f"{env_name} is empty"
        if PLACEHOLDER in secret:
            return f"{env_name} still holds a {PLACEHOLDER} placeholder; set a real secret"
        if secret in self.development_values:
            what = "uses the development password" if self.in_url else "is a development default"
            return f"{env_name} {what}; set a real secret"
        if len(secret) < self.min_length:
            what = "password is" if self.in_url else "is"
            return f"{env_name} {what} shorter than {self.min_length} characters"
        return None
