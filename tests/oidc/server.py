"""A real OpenID Connect provider for the tests: tests/oidc/provider.mjs under node, on a free
port of 127.0.0.1.

    with OidcProvider(accounts={"asha": {...claims}}, clients=[{...}]) as provider:
        provider.issuer  # http://127.0.0.1:<port>, its discovery document below it

Each provider is a process of its own with its own signing key and no stored state: whatever
one signed in is gone when it stops. Signing in is oidc-provider's development form (the login
is the account id, any password is accepted), and consent is given without a page.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "provider.mjs"
START_SECONDS = 15
STOP_SECONDS = 5
READY = "listening "


class OidcProviderError(RuntimeError):
    """The provider could not be started (the message holds what it printed)."""


def free_port() -> int:
    """A port of 127.0.0.1 free right now (the OS picks it for a socket bound to port 0)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class OidcProvider:
    """The provider as a context manager: started on entry, stopped (and reaped) on exit.

    `accounts` maps an account id, the login typed on the sign-in form, to its claims: `sub` is
    the account id whatever is given, and the standard claims (`email`, `preferred_username`,
    `name`...) and the tracker's (`tracker_role`, `tracker_pillars`, `tracker_side`) are
    released by the scopes `email`, `profile` and `tracker`. `clients` are oidc-provider client
    metadata: at least `client_id`, `client_secret` and `redirect_uris`; the client
    authenticates with `client_secret_basic` unless its `token_endpoint_auth_method` is
    `client_secret_post`.
    """

    def __init__(
        self,
        *,
        accounts: dict[str, dict[str, Any]],
        clients: list[dict[str, Any]],
        port: int | None = None,
    ):
        self.accounts = accounts
        self.clients = clients
        self.port = port or free_port()
        self.issuer = f"http://{HOST}:{self.port}"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        self.process: subprocess.Popen | None = None
        self._log = None

    def __enter__(self) -> "OidcProvider":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def output(self) -> str:
        """What the provider has printed so far, stdout and stderr together."""
        if self._log is None:
            return ""
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")

    def start(self) -> None:
        """Start node and wait until the provider accepts connections."""
        node = shutil.which("node")
        if node is None:
            raise OidcProviderError("node is not on the PATH")
        env = {
            **os.environ,
            "PORT": str(self.port),
            "ISSUER": self.issuer,
            "CLIENTS": json.dumps(self.clients),
            "ACCOUNTS": json.dumps(self.accounts),
        }
        # Its output goes to a file, not a pipe: nothing reads a pipe after start-up, and a
        # full one would block the provider. stop() closes (and so deletes) the file.
        self._log = tempfile.NamedTemporaryFile(prefix="oidc-provider-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [node, str(SCRIPT)],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_SECONDS
        while READY not in self.output():
            if self.process.poll() is not None:
                output = self.output()
                self.stop()
                raise OidcProviderError(f"the OIDC provider exited at start:\n{output}")
            if time.monotonic() > deadline:
                output = self.output()
                self.stop()
                raise OidcProviderError(
                    f"the OIDC provider was not ready in {START_SECONDS} s:\n{output}"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        """End the provider: SIGTERM, SIGKILL if it lingers, and wait for it (no zombie)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_SECONDS)
        if self._log is not None:
            self._log.close()  # deletes the file
            self._log = None
