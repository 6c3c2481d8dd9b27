#!/usr/bin/env python3
"""Serves hub/admin/dashboard/index.html from the source tree, with the hub's own headers, and
passes /api/ to a running hub: for working on the page without rebuilding the hub.

  serve_dev.py --hub http://127.0.0.1:ADMIN_PORT [--listen 127.0.0.1:0] [--port-file F]

The page is read again on every request, so a reload in the browser shows the edit. The test
uses it with DASHBOARD_VIA=proxy; by default the test loads the page from the hub itself.
"""
import argparse
import http.server
import os
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = os.path.join(HERE, "..", "..", "..", "hub", "admin", "dashboard", "index.html")
# The same headers as GET / on the hub (hub/admin/admin_endpoints.cc).
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub", required=True)
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--port-file")
    a = ap.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            sys.stderr.write("serve_dev: " + fmt % args + "\n")

        def _proxy(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            req = urllib.request.Request(a.hub + self.path, data=body, method=self.command)
            for k in ("Authorization", "Accept", "Content-Type"):
                if self.headers.get(k):
                    req.add_header(k, self.headers[k])
            try:
                with urllib.request.urlopen(req, timeout=20) as r:
                    status, headers, data = r.status, r.headers, r.read()
            except urllib.error.HTTPError as e:
                status, headers, data = e.code, e.headers, e.read()
            self.send_response(status)
            for k in ("Content-Type", "WWW-Authenticate"):
                if headers.get(k):
                    self.send_header(k, headers[k])
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.startswith("/api/"):
                return self._proxy()
            if self.path.split("?")[0] != "/":
                self.send_error(404)
                return
            with open(PAGE, "rb") as f:
                data = f.read()
            self.send_response(200)
            for k, v in HEADERS.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            if self.path.startswith("/api/"):
                return self._proxy()
            self.send_error(404)

    host, port = a.listen.rsplit(":", 1)
    srv = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.replace(a.port_file + ".tmp", a.port_file)
    print("serve_dev listening on http://%s:%d" % srv.server_address[:2], file=sys.stderr, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
