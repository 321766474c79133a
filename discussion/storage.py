"""Where attachments are kept: Django's storage `storages["attachments"]` (settings.STORAGES).

By default a private directory on the file system (TRACKER_ATTACHMENT_ROOT), outside the
static files and any media URL; in production an S3-compatible store (django-storages). Either
way a stored file has no URL the tracker hands out: it is read only through the gated download
view (`discussion.attachment_views.attachment_download`), which applies the gate on every
request.
"""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """The file system, without URLs: nothing stored here is served by a URL of its own."""

    def url(self, name):
        raise NotImplementedError("Attachments are read through the gated download view only.")


class _AttachmentStorage(LazyObject):
    """`storages["attachments"]`, looked up when first used and again when STORAGES changes."""

    def _setup(self):
        self._wrapped = storages["attachments"]


attachment_storage = _AttachmentStorage()


def get_attachment_storage():
    """The attachments' storage (the FileField's callable, so migrations name no backend)."""
    return attachment_storage


@receiver(setting_changed)
def _storages_changed(*, setting, **_kwargs):
    if setting == "STORAGES":
        attachment_storage._wrapped = empty
