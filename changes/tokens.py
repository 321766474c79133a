"""Sync tokens: where a reader's feed stands, signed so that it cannot be forged or mistaken
for another reader's.

A token holds the reader's audience, the last position of its sequence the reader has been
given and, while the first run's snapshot is still being read, how far the snapshot has come
(the index of a type and the last key given). It is signed with the time it was made:
older than the retention (`TRACKER_CHANGES_RETENTION_DAYS`), it has expired.
"""

import dataclasses

from django.core import signing

SALT = "changes.sync-token"


class TokenInvalid(Exception):
    """Not a token of this feed (400)."""


class TokenExpired(Exception):
    """A token whose changes are no longer kept, or not this reader's (410)."""


@dataclasses.dataclass(frozen=True)
class Position:
    audience: str
    pos: int
    # While the snapshot is read: the index of the type it has come to, and the last key given.
    snapshot: tuple[int, str] | None = None


def dumps(position: Position) -> str:
    payload = [position.audience, position.pos]
    if position.snapshot is not None:
        payload += list(position.snapshot)
    return signing.dumps(payload, salt=SALT, compress=True)


def loads(token: str, *, audience: str, max_age) -> Position:
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenInvalid from error
    if (
        not isinstance(payload, list)
        or len(payload) not in (2, 4)
        or not isinstance(payload[1], int)
    ):
        raise TokenInvalid
    if payload[0] != audience:
        # Made for readers of other markings (the reader's side has changed since).
        raise TokenExpired
    snapshot = (int(payload[2]), str(payload[3])) if len(payload) == 4 else None
    return Position(payload[0], payload[1], snapshot)
