"""The discussion app's models: what comments and attachments share (`base`), and each."""

from .attachments import Attachment, AttachmentState
from .base import TARGETS, OnItem
from .comments import Comment
from .reconciliations import Reconciliation

__all__ = ["TARGETS", "Attachment", "AttachmentState", "Comment", "OnItem", "Reconciliation"]
