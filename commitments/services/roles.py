"""The role groups and the permissions each holds."""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from access import permissions


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions its role needs."""
    from django.apps import apps

    for label in ("commitments", "dialogues", "discussion", "access"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    for role, grants in permissions.ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = Permission.objects.using(using).none()
        for app_label, codenames in grants.items():
            wanted = wanted | Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        group.permissions.set(wanted)
