"""A receiving system on loopback: it verifies every delivery with the `standardwebhooks`
library, as a real receiver would, and records what it got."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, answers=(204,), stall_first: bool = False):
        self.secret = ""
        self.answers = list(answers)  # the status of each answer in turn; the last repeats
        self.received: list[dict] = []  # verified deliveries: id, type, data, headers
        self.refused: list[str] = []  # deliveries whose signature did not verify
        self.stall_first = stall_first
        self.stalled = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {key.lower(): value for key, value in self.headers.items()}
                try:
                    message = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError as error:
                    receiver.refused.append(str(error))
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.received.append(
                    {"id": headers["webhook-id"], "message": message, "headers": headers}
                )
                if receiver.stall_first and len(receiver.received) == 1:
                    receiver.stalled.set()
                    receiver.release.wait(30)
                status = (
                    receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                with contextlib.suppress(OSError):  # the sender may be gone (killed)
                    self.wfile.write(json.dumps({"received": headers["webhook-id"]}).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks?source=tracker"

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def types(self) -> list[str]:
        return [r["message"]["type"] for r in self.received]

    def distinct_ids(self) -> set[str]:
        return {r["id"] for r in self.received}
