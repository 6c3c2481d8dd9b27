#!/usr/bin/python3
"""HTTPS test partner for the hub/curl unit tests.

Binds 127.0.0.1 port 0, prints "PORT <n>", and serves POSTs over (mutual) TLS. The URL decides
the answer: /status/<code>?retry_after=<v>&delay_ms=<n>&bigbody=<bytes>. Every accepted TLS
connection, failed handshake and request is appended to --log as one JSON object per line, BEFORE
the response is sent, so a client that has its answer can read the log.
"""
import argparse
import json
import os
import socket
import ssl
import sys
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

warnings.filterwarnings("ignore", category=DeprecationWarning)  # TLS 1.1 on purpose
ap = argparse.ArgumentParser()
ap.add_argument("--cert", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--client-ca")
ap.add_argument("--mode", choices=["default", "cbc", "tls11"], default="default")
ap.add_argument("--log", required=True)
args = ap.parse_args()

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(args.cert, args.key)
if args.client_ca:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(args.client_ca)
if args.mode == "cbc":
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers("ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA")
elif args.mode == "tls11":
    ctx.set_ciphers("ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.TLSv1_1
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1

lock = threading.Lock()
log_file = open(args.log, "a", encoding="utf-8")


def log(obj):
    with lock:
        log_file.write(json.dumps(obj, sort_keys=True) + "\n")
        log_file.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *unused):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        url = urlparse(self.path)
        query = parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        status = int(parts[1]) if len(parts) >= 2 and parts[0] == "status" else 200
        log({"event": "request", "path": self.path,
             "headers": {k.lower(): v for k, v in self.headers.items()},
             "body": body.decode("utf-8", "replace")})
        if "delay_ms" in query:
            time.sleep(int(query["delay_ms"][0]) / 1000.0)
        if "bigbody" in query:
            answer = b"r" * int(query["bigbody"][0])
        elif 200 <= status < 300:
            answer = ("receipt:" + self.headers.get("X-Message-Id", "")).encode()
        else:
            answer = b"error"
        self.send_response(status)
        if "retry_after" in query:
            self.send_header("Retry-After", query["retry_after"][0])
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def finish_request(self, request, client_address):
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            conn = ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log({"event": "handshake_failed", "error": str(e)})
            return
        try:
            cn = ""
            for rdn in (conn.getpeercert() or {}).get("subject", ()):
                for key, value in rdn:
                    if key == "commonName":
                        cn = value
            log({"event": "connection", "client_cn": cn, "version": conn.version()})
            self.RequestHandlerClass(conn, client_address, self)
        except (ssl.SSLError, OSError) as e:
            log({"event": "connection_error", "error": str(e)})
        finally:
            conn.close()


def exit_with_parent(parent):
    # Never outlive the test binary, even when it is killed before it can stop us.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
server = Server(("127.0.0.1", 0), Handler)
print("PORT", server.server_address[1], flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
