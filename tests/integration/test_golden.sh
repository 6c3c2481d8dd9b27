#!/usr/bin/env bash
# Golden products: for every example event and every product its route names, `ketenhub route
# test` (the same code `run` uses) produces exactly the checked-in document in tests/golden/,
# once the key-dependent parts (SignatureValue, X509Certificate) are normalised away; each also
# validated against its product XSD in route test. UPDATE_GOLDEN=1 rewrites the expected files.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
for p in om igj pvp rvr ciz; do eval "SIM_PORT_$p=1"; done
kh_config_full
GOLDEN="$SRC/tests/golden"
normalise() {  # key-dependent values out, then indented for review
  tr -d '\n' <"$1" | sed -E 's|(<SignatureValue>)[^<]*|\1normalised|; s|(<X509Certificate>)[^<]*|\1normalised|' |
    xmllint --format --nonet -
}
compared=0
for ev in "$SRC"/examples/events/*.json; do
  type=$(basename "$ev" .json)
  out="$WORK/out/$type"
  "$BIN" route test --config "$WORK/hub.yaml" "$ev" --message-id "golden:$type" \
    --actor "burgemeester:0344:golden" --sent-at 2026-11-22T00:00:00.000Z --out "$out" \
    >"$WORK/route-test-$type.log" 2>&1 || kh_fail "route test $type: $(cat "$WORK/route-test-$type.log")"
  grep -q "schema valid, signed" "$WORK/route-test-$type.log" || kh_fail "$type: nothing produced"
  for f in "$out"/*/*.xml; do
    rel="${f#"$out"/}"
    want="$GOLDEN/$type/$rel"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
      mkdir -p "$(dirname "$want")"
      normalise "$f" >"$want"
    fi
    [ -f "$want" ] || kh_fail "no golden document $type/$rel (run with UPDATE_GOLDEN=1 and review)"
    diff <(normalise "$f") "$want" >"$WORK/diff.txt" ||
      kh_fail "$type/$rel differs from its golden document: $(head -8 "$WORK/diff.txt")"
    compared=$((compared + 1))
    # The signature verifies with xmlsec1 itself, as a partner without ketenhub would check it.
    xmlsec1 --verify --trusted-pem "$WORK/pki/ca.crt" "$f" >"$WORK/xmlsec.log" 2>&1 ||
      kh_fail "xmlsec1 --verify $type/$rel: $(tail -3 "$WORK/xmlsec.log")"
    # The documents travel inside the signed product to the OM, the IGJ and the CIZ, exactly as
    # the event carried them; never to the RvR or the PvP.
    $PY - "$ev" "$f" "${rel%%/*}" <<'PY' || kh_fail "documents in $type/$rel"
import base64, hashlib, json, sys
import xml.etree.ElementTree as ET
event, product, partner = json.load(open(sys.argv[1])), ET.parse(sys.argv[2]).getroot(), sys.argv[3]
local = lambda e: e.tag.rsplit("}", 1)[-1]
docs = [{local(c): c.text for c in d} for d in product.iter() if local(d) == "document"]
sent = event.get("documenten", [])
if partner in ("rvr", "pvp") or not sent:
    assert not docs, (partner, [d["soort"] for d in docs])
else:
    assert [d["sha256"] for d in docs] == [d["sha256"] for d in sent], (docs, sent)
    for d in docs:
        assert hashlib.sha256(base64.b64decode(d["inhoud"])).hexdigest() == d["sha256"], d["soort"]
        assert base64.b64decode(d["inhoud"]).startswith(b"%PDF-"), d["soort"]
PY
  done
  # Every golden document of this event is still produced.
  for want in "$GOLDEN/$type"/*/*.xml; do
    [ -f "$out/${want#"$GOLDEN/$type/"}" ] || kh_fail "$type: route no longer produces ${want#"$GOLDEN/"}"
  done
done
kh_assert_eq "13" "$compared" "golden products compared"

# A route that names a product without a mapping (or schema) is refused by config check.
cp -r "$SRC/mappings" "$WORK/mappings"
rm "$WORK/mappings/ciz/kennisgeving-ibs.xsl"
sed -i "s|  mappings: .*|  mappings: $WORK/mappings|" "$WORK/hub.yaml"
if "$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1; then kh_fail "config check accepted a missing mapping"; fi
grep -q "ciz/kennisgeving-ibs" "$WORK/check.log" || kh_fail "missing mapping not named: $(cat "$WORK/check.log")"
kh_pass
