"""The audit log: every change to the audited models, who made it, when, and through what.

`recording` writes the events from the model signals; `selectors`, `filters`, `views` and `api`
read them. The model is `commitments.models.AuditEvent`.
"""

from .recording import KINDS, AuditMiddleware, acting, acting_as, connect, record

__all__ = ["KINDS", "AuditMiddleware", "acting", "acting_as", "connect", "record"]
