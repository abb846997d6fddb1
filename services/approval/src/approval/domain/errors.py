"""The domain's refusals; the API turns each into its HTTP answer."""

from __future__ import annotations


class ApprovalError(Exception):
    """Base of the domain's refusals."""


class NotAuthorized(ApprovalError):
    """The approver may not act on the current step (HTTP 403)."""


class AlreadyDecided(ApprovalError):
    """The request is no longer pending (HTTP 409)."""


class ReasonRequired(ApprovalError):
    """A rejection needs a reason (HTTP 422)."""


class UnknownRequest(ApprovalError, LookupError):
    """No approval instance has this request id (HTTP 404)."""


class SubjectTypeTaken(ApprovalError, ValueError):
    """Another flow already serves this subject type (HTTP 409)."""


class WrongStatus(ApprovalError):
    """The request's status does not allow the action (e.g. resubmitting a pending one;
    HTTP 409)."""


class InvalidInput(ApprovalError, ValueError):
    """A field of the action is unusable (HTTP 422 naming `field`)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field


class UnknownDelegation(ApprovalError, LookupError):
    """No delegation has this id (HTTP 404)."""
