"""Where a webhook may go: not into the tracker's own network.

A target must be `https` in production (`DEBUG` off), and may not be a loopback, link-local,
private, multicast, reserved or unspecified address — checked when a subscription is saved and
again on the addresses its host resolves to at every delivery, which then connects to the
address it checked (so a DNS answer that changes between the check and the connection, as in
DNS rebinding, reaches nothing it should not). `TRACKER_WEBHOOKS_ALLOW_LOOPBACK=1` lets
loopback through (plain `http` included) for local integrations and tests.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Refused(ValueError):
    """A target the tracker will not send to."""


def _loopback_allowed() -> bool:
    return bool(settings.TRACKER_WEBHOOKS_ALLOW_LOOPBACK)


def address_refusal(address: str) -> str | None:
    """Why the tracker will not send to `address` (an IP), or None if it may."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if _loopback_allowed() else _("a loopback address")
    if ip.is_link_local:
        return _("a link-local address")
    if ip.is_private:
        return _("a private-network address")
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return _("a reserved address")
    return None


def url_check(url: str) -> None:
    """Refuse (ValidationError on `url`) a target the tracker will not send to, as written."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError({"url": _("Give an https:// address.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave credentials out of the address.")})
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    loopback = (literal is not None and literal.is_loopback) or host == "localhost"
    if parts.scheme != "https" and not settings.DEBUG and not (loopback and _loopback_allowed()):
        raise ValidationError({"url": _("Only https:// addresses are allowed.")})
    if host == "localhost" and not _loopback_allowed():
        raise ValidationError({"url": _("The address may not be a loopback address.")})
    if literal is not None:
        why = address_refusal(str(literal))
        if why:
            raise ValidationError({"url": _("The address may not be %(why)s.") % {"why": why}})


def resolve(url: str) -> tuple[str, int, str]:
    """(host, port, address) to connect to: the first address the host resolves to, every
    one of which must be allowed; Refused otherwise."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Refused(f"{host} does not resolve: {error}") from error
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    for address in addresses:
        why = address_refusal(address)
        if why:
            raise Refused(f"{host} resolves to {address}, {why}")
    if not addresses:
        raise Refused(f"{host} resolves to no address")
    return host, port, addresses[0]


def url_check_or_refuse(url: str) -> None:
    """`url_check` at delivery time (the settings may have changed since it was saved)."""
    try:
        url_check(url)
    except ValidationError as error:
        raise Refused("; ".join(error.messages)) from error
