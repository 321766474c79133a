"""The optional virus scan of uploads: clamd's INSTREAM command over its unix socket, when
TRACKER_CLAMD_SOCKET names one. An infected file is kept quarantined, never downloadable; a
scanner that cannot be reached refuses the upload (nothing unscanned is stored while the scan
is configured)."""

import socket
import struct

from django.conf import settings

CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """clamd could not be reached or did not answer as clamd does."""


def scanning() -> bool:
    return bool(settings.TRACKER_CLAMD_SOCKET)


def scan(upload) -> str | None:
    """Stream `upload` to clamd; the signature's name if it is infected, else None."""
    upload.seek(0)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(settings.TRACKER_CLAMD_TIMEOUT_SECONDS)
            conn.connect(settings.TRACKER_CLAMD_SOCKET)
            conn.sendall(b"zINSTREAM\0")
            for chunk in upload.chunks(CHUNK):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = conn.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScanUnavailable(str(error)) from error
    finally:
        upload.seek(0)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if answer.endswith(" OK"):
        return None
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()[:200] or "unknown"
    raise ScanUnavailable(answer[:200] or "no answer")
