#!/usr/bin/env python3
"""Opens an AMQP 1.0 connection over TLS with a chosen TLS version and cipher, with frames written
by hand (Proton's own clients cannot choose ciphers): SASL ANONYMOUS, then AMQP open. Prints the
negotiated protocol and cipher and what the server answered: 'open' (its open frame and no error),
'refused:<condition>' (a close carrying an error), or 'handshake-failed' / 'no-answer'.
Usage: amqps_probe.py HOST PORT CA_FILE TLS_VERSION(1.2|1.3) [CIPHER]"""
import socket
import ssl
import struct
import sys


def frame(frame_type, body):
    return struct.pack(">IBBH", 8 + len(body), 2, frame_type, 0) + body


def sym8(text):
    raw = text.encode()
    return b"\xa3" + bytes([len(raw)]) + raw


def str8(text):
    raw = text.encode()
    return b"\xa1" + bytes([len(raw)]) + raw


def described_list(code, items):
    payload = b"".join(items)
    return b"\x00\x53" + bytes([code]) + b"\xc0" + bytes([len(payload) + 1, len(items)]) + payload


def read_some(sock, seconds):
    sock.settimeout(seconds)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ssl.SSLError, ConnectionResetError):
        pass
    return data


def main():
    host, port, ca, version = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    cipher = sys.argv[5] if len(sys.argv) > 5 else None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca)
    ctx.check_hostname = False
    pinned = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
    ctx.minimum_version = pinned
    ctx.maximum_version = pinned
    if cipher:
        ctx.set_ciphers(cipher + ":@SECLEVEL=0")
    raw = socket.create_connection((host, port), timeout=5)
    try:
        sock = ctx.wrap_socket(raw, server_hostname="localhost")
    except (ssl.SSLError, OSError) as e:
        print("result=handshake-failed", type(e).__name__)
        return
    print("protocol=%s cipher=%s" % (sock.version(), sock.cipher()[0]))
    sock.sendall(b"AMQP\x03\x01\x00\x00")
    read_some(sock, 0.3)  # SASL header and mechanisms (not parsed: Proton takes pipelined frames)
    sock.sendall(frame(1, described_list(0x41, [sym8("ANONYMOUS")])))
    read_some(sock, 0.3)  # SASL outcome
    sock.sendall(b"AMQP\x00\x01\x00\x00" + frame(0, described_list(0x10, [str8("amqps-probe")])))
    answer = read_some(sock, 2.0)
    if b"amqp:not-allowed" in answer:
        print("result=refused:amqp:not-allowed")
    elif b"\x00\x53\x10" in answer and b"\x00\x53\x18" not in answer:
        print("result=open")
    else:
        print("result=no-answer")


if __name__ == "__main__":
    main()
