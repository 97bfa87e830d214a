#!/usr/bin/env python3
"""A webhook receiver for stockd's integration tests.

Verifies every request's signature with the Standard Webhooks reference library (PyPI `standardwebhooks`) and
answers by the path's first segment (`/flaky/batch` acts as `/flaky`):
  /ok       200
  /flaky    the first attempt of a third of the events 500, of another third 429 with Retry-After: 1; then 200
  /dead     500 always
  /gone     410
  /hang     sleeps 5 s, then 200 (past a short response time-out)
  /later    500 until a file LOGFILE.later-ok exists, then 200 (dead letters, then redelivery)
  /chaos    fails a third of all requests, decided by SEED, the event id and the attempt number (so the same
            seed fails the same attempts): a sixth 500, a sixth closed without an answer (a connection-level
            failure, logged with status 0); the rest 200
  anything  200
Each request is appended to the log file (argv[2]) as one JSON line: path, webhook-id, whether the signature
verified, the status answered, the (first) event's type, the body (base64, to compare byte for byte), the event
ids it carried (one for a single event's object, each element's `id` for a batch's JSON array, in order) and
whether the body was an array. The port it listens on is printed on the first line of standard output.

Usage: webhook-receiver.py SECRET LOGFILE [SEED]
"""
import base64
import hashlib
import json
import os
import socket
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

secret, log_path = sys.argv[1], sys.argv[2]
seed = sys.argv[3] if len(sys.argv) > 3 else "0"
webhook = Webhook(secret)
lock = threading.Lock()
attempts = {}


def chaos_draw(event_id, attempt):
    """0 to 5, from the seed, the event id and the attempt number (SHA-256: CRC-32 is linear, and its low bit
    hardly varies between ids that differ in a few hex digits)."""
    digest = hashlib.sha256(f"{seed}:{event_id}:{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 6


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        event_id = self.headers.get("webhook-id", "")
        try:
            webhook.verify(body, {k.lower(): v for k, v in self.headers.items()})
            verified = True
        except Exception:
            verified = False
        with lock:
            attempt = attempts.get((self.path, event_id), 0) + 1
            attempts[(self.path, event_id)] = attempt
        kind = "/" + self.path.split("/")[1]
        headers = {}
        if kind == "/dead":
            status = 500
        elif kind == "/gone":
            status = 410
        elif kind == "/later":
            status = 200 if os.path.exists(log_path + ".later-ok") else 500
        elif kind == "/hang":
            time.sleep(5)
            status = 200
        elif kind == "/flaky" and attempt == 1 and zlib.crc32(event_id.encode()) % 3 == 0:
            status = 500
        elif kind == "/flaky" and attempt == 1 and zlib.crc32(event_id.encode()) % 3 == 1:
            status, headers = 429, {"Retry-After": "1"}
        elif self.path == "/chaos" and chaos_draw(event_id, attempt) == 0:
            status = 500
        elif self.path == "/chaos" and chaos_draw(event_id, attempt) == 1:
            status = 0
        else:
            status = 200
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        events = parsed if isinstance(parsed, list) else [parsed] if isinstance(parsed, dict) else []
        line = json.dumps({"path": self.path, "id": event_id, "verified": verified, "status": status,
                           "type": events[0].get("type") if events else None,
                           "body": base64.b64encode(body).decode(),
                           "events": [e.get("id") for e in events], "batch": isinstance(parsed, list)})
        with lock:
            with open(log_path, "a") as log:
                log.write(line + "\n")
        if status == 0:
            # A connection-level failure: the request was read, the connection closes without an answer.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        reply = b"nope" if status >= 400 else b""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
