#!/usr/bin/python3
"""A straightforward Python pipeline doing the stages the hub does for one event, for
bench/rabbitmq.sh to compare against: receive from a broker queue (python3-qpid-proton, AMQP 1.0,
SASL PLAIN), JSON -> XML (docs/json-to-xml.md), event XSD, XSLT mapping, product XSD, enveloped
XML-DSig (python3-xmlsec: RSA-SHA256, exclusive C14N, X509Certificate in KeyInfo, like the hub),
HTTPS POST with mutual TLS (python3-requests, one kept-alive session) to partner-sim, then accept
the message. One process, one thread, one message at a time; no store, no retries, no document
checksums (it does less than the hub).

Usage: rabbitmq_pipeline.py --url amqp://127.0.0.1:PORT --address /amq/queue/Q --user U
         --password-file F --count N --endpoint https://localhost:PORT/om --pki DIR --root REPO
         [--sample FILE]
Prints one JSON line: received, posted, first_receive, last_accept (epoch seconds), cpu_s.
"""
import argparse
import datetime
import json
import resource
import sys
import time
import uuid
from xml.sax.saxutils import escape

# lxml before xmlsec: when xmlsec is imported first, lxml's parse() of some files (the event
# schema) fails afterwards with an XMLSyntaxError that has no message (Debian 12 packages).
from lxml import etree  # isort: skip
import requests
import xmlsec
from proton.handlers import MessagingHandler
from proton.reactor import Container

EVENT_TYPE = "wvggz.crisismaatregel.genomen"
PRODUCT = "kennisgeving-crisismaatregel"


class _Object(list):
    """A JSON object as its (key, value) pairs in order."""


def json_to_xml(body: bytes) -> bytes:
    """The hub's one rule (docs/json-to-xml.md), without its input limits and diagnostics."""
    out = ['<event xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">']

    def text(s):
        return escape(s).replace("\r", "&#13;")

    def value(name, v):
        if isinstance(v, list) and not isinstance(v, _Object):
            if not v:
                out.append(f'<{name} json:array="empty" xmlns:json="urn:ketenhub:json"/>')
            for item in v:
                value(name, item)
            return
        if v is None:
            out.append(f'<{name} xsi:nil="true"/>')
            return
        out.append(f"<{name}>")
        if isinstance(v, _Object):
            for k, x in v:
                value(k, x)
        elif v is True or v is False:
            out.append("true" if v else "false")
        elif isinstance(v, str):
            out.append(text(v))
        else:  # a number: its text as written (parse_float/parse_int keep it)
            out.append(str(v))
        out.append(f"</{name}>")

    root = json.loads(body, object_pairs_hook=_Object, parse_float=str, parse_int=str)
    for k, x in root:
        value(k, x)
    out.append("</event>")
    return "".join(out).encode("utf-8")


class Pipeline:
    def __init__(self, a):
        self.event_xsd = etree.XMLSchema(etree.parse(f"{a.root}/schemas/events/{EVENT_TYPE}.xsd"))
        self.xslt = etree.XSLT(etree.parse(f"{a.root}/mappings/om/{PRODUCT}.xsl"))
        self.product_xsd = etree.XMLSchema(etree.parse(f"{a.root}/schemas/om/{PRODUCT}.xsd"))
        self.key = xmlsec.Key.from_file(f"{a.pki}/hub-sign.key", xmlsec.constants.KeyDataFormatPem)
        self.key.load_cert_from_file(f"{a.pki}/hub-sign.crt", xmlsec.constants.KeyDataFormatPem)
        self.http = requests.Session()
        # Not from the environment: REQUESTS_CA_BUNDLE (set on some hosts) would override a
        # session's verify; proxies neither.
        self.http.trust_env = False
        self.tls = {"cert": (f"{a.pki}/hub-client.crt", f"{a.pki}/hub-client.key"),
                    "verify": f"{a.pki}/ca.crt"}
        self.endpoint = a.endpoint
        self.sample = a.sample

    def sign(self, doc):
        root = doc.getroot()
        sig = xmlsec.template.create(root, xmlsec.constants.TransformExclC14N,
                                     xmlsec.constants.TransformRsaSha256)
        root.append(sig)
        ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha256, uri="")
        xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
        xmlsec.template.add_transform(ref, xmlsec.constants.TransformExclC14N)
        ki = xmlsec.template.ensure_key_info(sig)
        x509 = xmlsec.template.add_x509_data(ki)
        xmlsec.template.x509_data_add_certificate(x509)  # empty: xmlsec writes the key's cert
        ctx = xmlsec.SignatureContext()
        ctx.key = self.key
        ctx.sign(sig)

    def handle(self, msg):
        props = msg.properties or {}
        case_id = str(props.get("case-id", ""))
        event = etree.fromstring(json_to_xml(bytes(msg.body)))
        self.event_xsd.assertValid(event)
        delivery_id = str(uuid.uuid4())
        sent_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        params = {
            "message-id": str(msg.id), "case-id": case_id, "event-type": EVENT_TYPE,
            "actor": str(props.get("actor", "")), "delivery-id": delivery_id,
            "sent-at": sent_at[:23] + "Z", "sender-oin": "00000099000000000001",
            "sender-name": "ketenhub-bench", "receiver": "Openbaar Ministerie",
        }
        product = self.xslt(event, **{k: etree.XSLT.strparam(v) for k, v in params.items()})
        self.product_xsd.assertValid(product)
        self.sign(product)
        body = etree.tostring(product, xml_declaration=True, encoding="UTF-8")
        if self.sample:
            with open(self.sample, "wb") as f:
                f.write(body)
            self.sample = None
        r = self.http.post(self.endpoint, data=body, **self.tls, headers={
            "Content-Type": "application/xml; charset=utf-8", "X-Message-Id": delivery_id,
            "X-Product": PRODUCT, "X-Case-Id": case_id, "X-Event-Type": EVENT_TYPE})
        r.raise_for_status()


class Receiver(MessagingHandler):
    def __init__(self, a, pipeline):
        # Proton's default prefetch (10) and manual accept: a message is settled after its POST.
        super().__init__(auto_accept=False)
        self.a = a
        self.pipeline = pipeline
        self.password = open(a.password_file).readline().rstrip("\n")
        self.received = self.posted = 0
        self.first = self.last = None
        self.failures = 0

    def on_start(self, event):
        conn = event.container.connect(self.a.url, user=self.a.user, password=self.password,
                                       allowed_mechs="PLAIN", allow_insecure_mechs=True)
        event.container.create_receiver(conn, self.a.address)

    def on_message(self, event):
        if self.first is None:
            self.first = time.time()
        self.received += 1
        try:
            self.pipeline.handle(event.message)
            self.accept(event.delivery)
            self.posted += 1
        except Exception as e:  # noqa: BLE001 - the run is void: say why and stop
            self.failures += 1
            print(f"rabbitmq_pipeline: {type(e).__name__}: {e}", file=sys.stderr)
            self.release(event.delivery, delivered=True)
            event.connection.close()
            return
        self.last = time.time()
        if self.received >= self.a.count:
            event.connection.close()

    def on_transport_error(self, event):
        print(f"rabbitmq_pipeline: transport error: {event.transport.condition}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser()
    for opt in ("--url", "--address", "--user", "--password-file", "--endpoint", "--pki",
                "--root"):
        p.add_argument(opt, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--sample")
    a = p.parse_args()
    pipeline = Pipeline(a)
    r = Receiver(a, pipeline)
    Container(r).run()
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"received": r.received, "posted": r.posted, "failures": r.failures,
                      "first_receive": r.first, "last_accept": r.last,
                      "cpu_s": round(ru.ru_utime + ru.ru_stime, 2),
                      "ctx_switches": ru.ru_nvcsw + ru.ru_nivcsw,
                      "max_rss_mb": round(ru.ru_maxrss / 1024, 1)}))
    return 0 if r.posted == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
