#!/usr/bin/env python3
"""The demo's webhook receiver: prints each stock event stockd delivers, after checking its signature.

Standard Webhooks signatures are checked with the standard library only (HMAC-SHA256 over
"<webhook-id>.<webhook-timestamp>.<body>" with the base64 secret after "whsec_"), so the demo needs nothing from
PyPI; the integration tests verify with the reference library instead (Tests/Support/webhook-receiver.py).

Usage: demo_webhook_receiver.py SECRET
Prints "port N" first, then one line per delivery.
"""
import base64
import hashlib
import hmac
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

def secret_key(secret):
    """The HMAC key of a "whsec_<base64>" secret."""
    return base64.b64decode(secret.removeprefix("whsec_"))


def verified(key, headers, body):
    """Whether one of the request's v1 signatures matches."""
    signed = f"{headers.get('webhook-id', '')}.{headers.get('webhook-timestamp', '')}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    candidates = [part.split(",", 1)[1] for part in headers.get("webhook-signature", "").split() if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


def scope_text(scope):
    if scope.get("kind") == "warehouse":
        return scope.get("warehouse_code") or f"warehouse {scope.get('warehouse_id')}"
    if scope.get("kind") == "location":
        return f"location {scope.get('location_id')}"
    return "all warehouses"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        ok = verified(self.server.key, {k.lower(): v for k, v in self.headers.items()}, body)
        try:
            event = json.loads(body)
            events = event if isinstance(event, list) else [event]
        except ValueError:
            events = []
        for event in events:
            product = event.get("product", {})
            print(
                f"webhook {'signed ok' if ok else 'BAD SIGNATURE'}  {event.get('type', '?'):<14} "
                f"{product.get('sku') or product.get('variant_id')}  in {scope_text(event.get('scope', {}))}: "
                f"{event.get('figure', '')} {event.get('before')} -> {event.get('after')}  ({event.get('id')})",
                flush=True,
            )
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.key = secret_key(sys.argv[1])
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()
