from django.utils.translation import gettext as _


class StaleVersionError(Exception):
    """A write was based on a version of the object that is no longer current."""

    def __init__(self, obj, expected_version: int | None):
        self.obj = obj
        self.expected_version = expected_version
        self.current_version = obj.version
        super().__init__(
            _(
                "%(obj)s was changed by someone else (you had version %(expected)s, it is now "
                "version %(current)s). Reload it and apply your change again."
            )
            % {"obj": obj, "expected": expected_version, "current": obj.version}
        )
