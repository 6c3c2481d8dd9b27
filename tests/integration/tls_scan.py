#!/usr/bin/env python3
"""Scans what a TLS server completes a handshake with, one offer at a time, like a TLS scanner:
every TLS 1.2 cipher suite that `openssl ciphers -v 'ALL:COMPLEMENTOFALL'` lists (except PSK and
SRP suites, which need a shared secret, and DSS suites, for which no server has a certificate),
TLS 1.0 and 1.1, every TLS 1.3 suite, and single key-exchange groups in TLS 1.3 and TLS 1.2.
Only the TLS handshake is done (nothing is sent after it), so a suite that a server accepts and
refuses only later still shows up as accepted.

Prints one line per offer: "ok|fail VERSION KIND NAME [detail]", KIND being cipher, version,
suite or group; "ok" means the handshake completed (detail: what was negotiated).
Usage: tls_scan.py HOST PORT CA_FILE"""
import socket
import ssl
import subprocess
import sys
import warnings

TLS13_SUITES = [
    "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"
]
GROUPS = ["X25519", "P-256", "P-384", "P-521", "X448", "ffdhe2048", "ffdhe3072", "ffdhe4096"]
UNUSABLE_KX = ("PSK", "DHEPSK", "ECDHEPSK", "RSAPSK", "SRP")


def tls12_ciphers():
    listing = subprocess.run(["openssl", "ciphers", "-v", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                             check=True, capture_output=True, text=True).stdout
    names = []
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[1] == "TLSv1.3":
            continue
        kx, au = fields[2].split("=")[1], fields[3].split("=")[1]
        if kx in UNUSABLE_KX or au == "DSS":
            continue
        names.append(fields[0])
    return names


def py_handshake(host, port, ca, version, cipher):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca)
    ctx.check_hostname = False
    ctx.minimum_version = version
    ctx.maximum_version = version
    ctx.set_ciphers(cipher + ":@SECLEVEL=0")
    try:
        with socket.create_connection((host, port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as sock:
                return True, "%s,%s" % (sock.version(), sock.cipher()[0])
    except ssl.SSLError as e:
        return False, e.reason or type(e).__name__
    except OSError as e:
        return False, type(e).__name__


def s_client(host, port, ca, args):
    cmd = ["openssl", "s_client", "-connect", "%s:%d" % (host, port), "-servername", "localhost",
           "-CAfile", ca, "-verify_return_error", "-brief"] + args
    try:
        run = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=10)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    out = run.stdout + run.stderr
    if run.returncode != 0 or "CONNECTION ESTABLISHED" not in out:
        return False, "handshake-failed"
    got = {}
    for line in out.splitlines():
        key, _, value = line.partition(": ")
        got[key.strip()] = value.strip()
    key = got.get("Server Temp Key") or got.get("Peer Temp Key") or "?"
    return True, "%s,%s,%s" % (got.get("Protocol version", "?"), got.get("Ciphersuite", "?"),
                               key.split(",")[0])


def report(ok, detail, version, kind, name):
    result = "ok" if ok else "fail"
    print("%s %s %s %s %s" % (result, version, kind, name, detail.replace(" ", "_")))


def main():
    warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0 and 1.1 are offered on purpose
    host, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    for cipher in tls12_ciphers():
        report(*py_handshake(host, port, ca, ssl.TLSVersion.TLSv1_2, cipher), "TLSv1.2", "cipher",
               cipher)
    for name, version in (("TLSv1", ssl.TLSVersion.TLSv1), ("TLSv1.1", ssl.TLSVersion.TLSv1_1)):
        report(*py_handshake(host, port, ca, version, "ALL"), name, "version", name)
    for suite in TLS13_SUITES:
        report(*s_client(host, port, ca, ["-tls1_3", "-ciphersuites", suite]), "TLSv1.3", "suite",
               suite)
    for group in GROUPS:
        report(*s_client(host, port, ca, ["-tls1_3", "-groups", group]), "TLSv1.3", "group", group)
    # ffdhe groups are never used by TLS 1.2 ECDHE. With an ECDSA certificate only its own curve
    # can work: in TLS 1.2 the groups a client offers also bound the certificate's curve.
    for group in GROUPS[:5]:
        offer = ["-tls1_2", "-cipher", "ECDHE:@SECLEVEL=0", "-groups", group]
        report(*s_client(host, port, ca, offer), "TLSv1.2", "group", group)


if __name__ == "__main__":
    main()
