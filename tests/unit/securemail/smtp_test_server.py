#!/usr/bin/python3
"""SMTP test relay for the securemail unit tests (aiosmtpd 1.4, Debian's python3-aiosmtpd).

Serve:   smtp_test_server.py --cert C --key K --store DIR --log LOG [--mode M] [--user U --password P]
  Binds 127.0.0.1 port 0 and prints "PORT <n>". Modes:
    normal      STARTTLS required before MAIL (require_starttls), AUTH required after TLS
    nostarttls  no TLS context at all: STARTTLS is never offered
    reply451    like normal, but DATA is answered 451
    reply550    like normal, but DATA is answered 550
  Every accepted message is stored as DIR/<n>.eml (the bytes as received) with DIR/<n>.json
  ({"tls": bool, "auth": bool, "mail_from": ..., "rcpt_tos": [...]}). Each MAIL FROM, RCPT TO and
  DATA is appended to LOG as one JSON object per line.
Inspect: smtp_test_server.py --inspect FILE
  Prints one "key=value" line each: subject (decoded), content_type, message_id, date, then
  "part=<content type>|<filename>|<sha256 of the decoded bytes>" per leaf part and
  "text=<the decoded text/plain body, line breaks as \\n>".
"""
import argparse
import asyncio
import hashlib
import json
import os
import ssl
import sys
import threading
import time
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # aiosmtpd's login_data


def inspect(path):
    import email
    import email.policy
    from email.header import decode_header, make_header

    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.compat32)
    lines = [
        "subject=" + str(make_header(decode_header(msg["Subject"]))),
        "content_type=" + msg.get_content_type(),
        "message_id=" + msg["Message-ID"],
        "date=" + msg["Date"],
    ]
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        lines.append("part=%s|%s|%s" % (part.get_content_type(), part.get_filename() or "",
                                        hashlib.sha256(payload).hexdigest()))
        if part.get_content_type() == "text/plain":
            text = payload.decode(part.get_content_charset() or "ascii")
            lines.append("text=" + text.replace("\r\n", "\n").replace("\n", "\\n"))
    sys.stdout.buffer.write(("\n".join(lines) + "\n").encode("utf-8"))


def serve(args):
    from aiosmtpd.smtp import SMTP, AuthResult

    lock = threading.Lock()
    log_file = open(args.log, "a", encoding="utf-8")
    counter = [0]

    def log(obj):
        with lock:
            log_file.write(json.dumps(obj, sort_keys=True) + "\n")
            log_file.flush()

    class Handler:
        async def handle_MAIL(self, server, session, envelope, address, mail_options):
            log({"event": "mail", "tls": session.ssl is not None})
            envelope.mail_from = address
            return "250 OK"

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            log({"event": "rcpt", "tls": session.ssl is not None})
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            log({"event": "data", "tls": session.ssl is not None})
            if args.mode == "reply451":
                return "451 4.3.0 Temporary failure, try again later"
            if args.mode == "reply550":
                return "550 5.7.1 Rejected by policy"
            counter[0] += 1
            base = os.path.join(args.store, str(counter[0]))
            with open(base + ".eml", "wb") as f:
                f.write(envelope.original_content)
            with open(base + ".json", "w", encoding="utf-8") as f:
                json.dump({"tls": session.ssl is not None,
                           "auth": bool(session.authenticated),
                           "mail_from": envelope.mail_from,
                           "rcpt_tos": envelope.rcpt_tos}, f)
            return "250 2.0.0 Queued"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode() == args.user and
              auth_data.password.decode() == args.password)
        log({"event": "auth", "mechanism": mechanism, "ok": ok, "tls": session.ssl is not None})
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd replies 535

    tls_context = None
    if args.mode != "nostarttls":
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.cert, args.key)

    def factory():
        kwargs = dict(hostname="relay.test", decode_data=False, data_size_limit=16 * 1024 * 1024)
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        if args.user:
            kwargs.update(authenticator=authenticator, auth_required=True,
                          auth_require_tls=tls_context is not None)
        return SMTP(Handler(), **kwargs)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=args.port))
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


def exit_with_parent(parent):
    # Never outlive the test binary, even when it is killed before it can stop us.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inspect")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--store")
    ap.add_argument("--log")
    ap.add_argument("--mode", choices=["normal", "nostarttls", "reply451", "reply550"],
                    default="normal")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    if args.inspect:
        inspect(args.inspect)
        return
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    serve(args)


if __name__ == "__main__":
    sys.exit(main())
