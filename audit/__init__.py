"""The audit log: every change to the audited models, who made it, when, and through what.

`recording` writes the events from the model signals (and its `acting_as` names who acts);
`selectors`, `filters`, `views` and `api` read them; the model is `audit.models.AuditEvent`.
The app lies below `commitments`: it names the models it audits by label, never importing them.
"""
