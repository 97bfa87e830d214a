#!/usr/bin/env python3
"""A webhook receiver for stockd's integration tests.

Verifies every request's signature with the Standard Webhooks reference library (PyPI `standardwebhooks`) and
answers by path:
  /ok       200
  /flaky    the first attempt of a third of the events 500, of another third 429 with Retry-After: 1; then 200
  /dead     500 always
  /gone     410
  /hang     sleeps 5 s, then 200 (past a short response time-out)
  /later    500 until a file LOGFILE.later-ok exists, then 200 (dead letters, then redelivery)
  anything  200
Each request is appended to the log file (argv[2]) as one JSON line: path, webhook-id, whether the signature
verified, the status answered. The port it listens on is printed on the first line of standard output.

Usage: webhook-receiver.py SECRET LOGFILE
"""
import json
import os
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

secret, log_path = sys.argv[1], sys.argv[2]
webhook = Webhook(secret)
lock = threading.Lock()
attempts = {}


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
        headers = {}
        if self.path == "/dead":
            status = 500
        elif self.path == "/gone":
            status = 410
        elif self.path == "/later":
            status = 200 if os.path.exists(log_path + ".later-ok") else 500
        elif self.path == "/hang":
            time.sleep(5)
            status = 200
        elif self.path == "/flaky" and attempt == 1 and zlib.crc32(event_id.encode()) % 3 == 0:
            status = 500
        elif self.path == "/flaky" and attempt == 1 and zlib.crc32(event_id.encode()) % 3 == 1:
            status, headers = 429, {"Retry-After": "1"}
        else:
            status = 200
        line = json.dumps({"path": self.path, "id": event_id, "verified": verified, "status": status,
                           "type": json.loads(body).get("type") if body else None})
        with lock:
            with open(log_path, "a") as log:
                log.write(line + "\n")
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
