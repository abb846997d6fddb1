"""Use cases of the built-in OIDC issuer: sign in (with the login throttle), authorization
codes, and the token grants (authorization_code + PKCE, refresh_token with rotation,
password, client_credentials) and revocation. Errors are `OAuthError`s (RFC 6749)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from integration_gateway.domain.grants import StoredCode, StoredRefresh
from integration_gateway.domain.passwords import FAILURE_WINDOW, Passwords, login_locked
from integration_gateway.domain.people import Person, ServiceAccount, valid_login
from integration_gateway.domain.tokens import (
    ACCESS_TOKEN_TYPE,
    CODE_LIFETIME,
    SERVICE_SUBJECT_PREFIX,
    OAuthError,
    Subject,
    TokenPolicy,
    invalid_client,
    invalid_grant,
    opaque_token,
    pkce_matches,
    token_hash,
)
from integration_gateway.ports import IdentityUoW, Signer


@dataclass(frozen=True)
class Issued:
    """A token response (RFC 6749 section 5.1)."""

    access_token: str
    expires_in: int
    scope: str
    refresh_token: str | None = None
    id_token: str | None = None


def person_subject(person: Person) -> Subject:
    p = person.profile
    return Subject(
        sub=str(person.id),
        preferred_username=person.login,
        name=p.display_name,
        roles=p.roles,
        locale=p.locale,
        email=p.email,
        department=p.department,
    )


def service_subject(account: ServiceAccount) -> Subject:
    return Subject(
        sub=f"{SERVICE_SUBJECT_PREFIX}{account.client_id}",
        preferred_username=account.client_id,
        name=account.name,
        roles=account.roles,
        locale="en",
        is_person=False,
    )


async def sign_in(
    uow: IdentityUoW, passwords: Passwords, login: str, password: str, now: datetime
) -> Person | None:
    """The active person whose login and password these are, or None (wrong login, wrong
    password, inactive, or throttled: the caller cannot tell which). Commits."""
    login = login.strip().lower()
    if not valid_login(login):
        passwords.verify(None, password)  # the same time as a real check
        return None
    if login_locked(await uow.login_failures.recent(login, now, 2 * FAILURE_WINDOW), now):
        passwords.verify(None, password)
        return None
    person = await uow.people.get(login)
    hashed = person.password_hash if person is not None else None
    if person is None or not passwords.verify(hashed, password) or not person.active:
        await uow.login_failures.add(login, now)
        await uow.commit()
        return None
    await uow.login_failures.clear(login)
    if hashed and passwords.needs_rehash(hashed):
        person.set_password_hash(passwords.hash(password), now)
        await uow.people.save(person)
    await uow.commit()
    return person


async def new_code(uow: IdentityUoW, request: StoredCode) -> str:
    """An authorization code (single use, `CODE_LIFETIME`). Commits."""
    code = opaque_token()
    await uow.codes.add(token_hash(code), request)
    await uow.commit()
    return code


def code_expiry(now: datetime) -> datetime:
    return now + CODE_LIFETIME


async def issue_for_person(
    uow: IdentityUoW,
    signer: Signer,
    policy: TokenPolicy,
    person: Person,
    *,
    client_id: str,
    scope: str,
    now: datetime,
    nonce: str | None = None,
    with_id_token: bool = False,
    family_id: UUID | None = None,
    family_expires_at: datetime | None = None,
) -> Issued:
    """Access token, a new refresh token (in the family, or a new one) and maybe an id token.
    The caller commits."""
    subject = person_subject(person)
    refresh = opaque_token()
    family_id = family_id or uuid4()
    family_expires = family_expires_at or now + policy.refresh_absolute
    await uow.refresh_tokens.add(
        StoredRefresh(
            token_hash=token_hash(refresh),
            family_id=family_id,
            person_id=person.id,
            client_id=client_id,
            scope=scope,
            expires_at=policy.refresh_expiry(now, family_expires),
            family_expires_at=family_expires,
            used_at=None,
            revoked_at=None,
        )
    )
    claims = policy.access_claims(subject, client_id=client_id, scope=scope, now=now)
    id_token = None
    if with_id_token:
        id_claims = policy.id_token_claims(subject, client_id=client_id, nonce=nonce, now=now)
        id_token = signer.sign(id_claims, "JWT")
    return Issued(
        access_token=signer.sign(claims, ACCESS_TOKEN_TYPE),
        expires_in=int(policy.access_lifetime.total_seconds()),
        scope=scope,
        refresh_token=refresh,
        id_token=id_token,
    )


async def exchange_code(
    uow: IdentityUoW,
    signer: Signer,
    policy: TokenPolicy,
    *,
    code: str,
    client_id: str,
    redirect_uri: str,
    verifier: str,
    now: datetime,
) -> Issued:
    """The authorization_code grant with PKCE. A code used twice revokes what it gave."""
    hashed = token_hash(code)
    stored = await uow.codes.take(hashed)
    if stored is None:
        raise invalid_grant("unknown authorization code")
    if stored.used_at is not None:
        if stored.family_id is not None:
            await uow.refresh_tokens.revoke_family(stored.family_id)
            await uow.commit()
        raise invalid_grant("authorization code already used")
    if stored.expires_at <= now:
        raise invalid_grant("authorization code expired")
    if stored.client_id != client_id or stored.redirect_uri != redirect_uri:
        raise invalid_grant("authorization code was issued to another client or redirect_uri")
    if not pkce_matches(verifier, stored.code_challenge):
        raise invalid_grant("code_verifier does not match the code_challenge")
    person = await uow.people.get_by_id(stored.person_id)
    if person is None or not person.active:
        raise invalid_grant("the person is not active")
    family_id = uuid4()
    issued = await issue_for_person(
        uow, signer, policy, person, client_id=client_id, scope=stored.scope, now=now,
        nonce=stored.nonce, with_id_token="openid" in stored.scope.split(), family_id=family_id,
    )  # fmt: skip
    await uow.codes.mark_used(hashed, family_id)
    await uow.commit()
    return issued


async def refresh(
    uow: IdentityUoW,
    signer: Signer,
    policy: TokenPolicy,
    *,
    token: str,
    client_id: str | None,
    now: datetime,
) -> Issued:
    """The refresh_token grant: each use returns a new refresh token; presenting a rotated
    one again revokes the whole family (a stolen token and its thief's copies with it)."""
    hashed = token_hash(token)
    stored = await uow.refresh_tokens.take(hashed)
    if stored is None or stored.revoked_at is not None:
        raise invalid_grant("unknown or revoked refresh token")
    if stored.used_at is not None:
        await uow.refresh_tokens.revoke_family(stored.family_id)
        await uow.commit()
        raise invalid_grant("refresh token reused: its family is revoked")
    if client_id is not None and client_id != stored.client_id:
        raise invalid_grant("refresh token was issued to another client")
    if stored.expires_at <= now:
        raise invalid_grant("refresh token expired")
    person = await uow.people.get_by_id(stored.person_id)
    if person is None or not person.active:
        await uow.refresh_tokens.revoke_family(stored.family_id)
        await uow.commit()
        raise invalid_grant("the person is not active")
    await uow.refresh_tokens.mark_used(hashed)
    issued = await issue_for_person(
        uow, signer, policy, person, client_id=stored.client_id, scope=stored.scope, now=now,
        family_id=stored.family_id, family_expires_at=stored.family_expires_at,
    )  # fmt: skip
    await uow.commit()
    return issued


async def client_credentials(
    uow: IdentityUoW,
    signer: Signer,
    policy: TokenPolicy,
    passwords: Passwords,
    *,
    client_id: str,
    secret: str,
    scope: str,
    now: datetime,
) -> Issued:
    """A service account's access token (no refresh token: it signs in again)."""
    account = await uow.service_accounts.get(client_id) if valid_login(client_id) else None
    hashed = account.secret_hash if account is not None else None
    if account is None or not passwords.verify(hashed, secret) or not account.active:
        raise invalid_client()
    claims = policy.access_claims(
        service_subject(account), client_id=client_id, scope=scope, now=now
    )
    return Issued(
        access_token=signer.sign(claims, ACCESS_TOKEN_TYPE),
        expires_in=int(policy.access_lifetime.total_seconds()),
        scope=scope,
    )


async def revoke(uow: IdentityUoW, token: str, client_id: str | None) -> None:
    """RFC 7009: revoke a refresh token and its family; an unknown token is no error."""
    stored = await uow.refresh_tokens.take(token_hash(token))
    if stored is None or (client_id is not None and client_id != stored.client_id):
        return
    await uow.refresh_tokens.revoke_family(stored.family_id)
    await uow.commit()


def unsupported(grant_type: str) -> OAuthError:
    return OAuthError("unsupported_grant_type", f"grant_type {grant_type[:40]!r} is not supported")
