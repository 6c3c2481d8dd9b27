// Per-stage cost of the product pipeline on one core, with the real libraries and the real
// content: JSON->XML, event XSD, XSLT map, product XSD, XML-DSig sign, serialise.
// Usage: stage_bench KEY.pem CERT.pem [iterations]   (run by bench/run.sh)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "hub/dsig/dsig_runtime.h"
#include "hub/dsig/signer.h"
#include "hub/xml/document.h"
#include "hub/xml/json_to_xml.h"
#include "hub/xml/schema.h"
#include "hub/xml/stylesheet.h"
#include "hub/xml/xml_runtime.h"

namespace {
std::string readFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
double timeIt(int n, const std::function<void()>& fn) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) fn();
  auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::micro>(t1 - t0).count() / n;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: stage_bench KEY CERT [iterations]\n");
    return 2;
  }
  int n = argc > 3 ? std::atoi(argv[3]) : 2000;
  hub::xml::XmlRuntime xr;
  hub::dsig::DsigRuntime dr;
  const std::string src = KETENHUB_SOURCE_DIR;
  const std::string type = "wvggz.crisismaatregel.genomen";
  std::string json = readFile(src + "/examples/events/" + type + ".json");
  auto event_xsd = hub::xml::Schema::load(src + "/schemas/events/" + type + ".xsd");
  auto sheet = hub::xml::Stylesheet::load(src + "/mappings/om/kennisgeving-crisismaatregel.xsl");
  auto product_xsd = hub::xml::Schema::load(src + "/schemas/om/kennisgeving-crisismaatregel.xsd");
  auto signer = hub::dsig::Signer::load(argv[1], argv[2]);
  if (!event_xsd || !sheet || !product_xsd || !signer) {
    std::fprintf(stderr, "stage_bench: cannot load content or key\n");
    return 1;
  }
  std::string xml = *hub::xml::jsonToXml(json);
  hub::xml::Stylesheet::Params params = {{"message-id", "m"},
                                         {"case-id", "CM-0344-2026-000123"},
                                         {"event-type", type},
                                         {"actor", "a"},
                                         {"delivery-id", "d"},
                                         {"sent-at", "2026-11-22T00:00:00Z"},
                                         {"sender-oin", "00000099000000000001"},
                                         {"sender-name", "hub"},
                                         {"receiver", "Openbaar Ministerie"}};
  double t_json = timeIt(n, [&] { (void)hub::xml::jsonToXml(json); });
  double t_parse = timeIt(n, [&] { (void)hub::xml::Document::parseUntrusted(xml); });
  auto doc = *hub::xml::Document::parseUntrusted(xml);
  double t_event_xsd = timeIt(n, [&] { (void)(*event_xsd)->validate(doc); });
  double t_xslt = timeIt(n, [&] { (void)(*sheet)->apply(doc, params); });
  auto mapped = *(*sheet)->apply(doc, params);
  double t_product_xsd = timeIt(n, [&] { (void)(*product_xsd)->validate(mapped); });
  double t_sign = timeIt(n,
                         [&] {
                           auto m = *(*sheet)->apply(doc, params);
                           (void)(*signer)->sign(m);
                         }) -
                  t_xslt;
  double total = t_json + t_parse * 2 + t_event_xsd + t_xslt + t_product_xsd + t_sign;
  std::printf("stage_bench: us per document (one core, %d iterations, key %s)\n", n,
              (*signer)->keyAlgorithm().c_str());
  std::printf(
      "  json->xml %.1f | parse %.1f (x2) | event xsd %.1f | xslt %.1f | product xsd %.1f |"
      " sign+serialise %.1f | total %.1f -> %.0f documents/s/core\n",
      t_json, t_parse, t_event_xsd, t_xslt, t_product_xsd, t_sign, total, 1e6 / total);
  return 0;
}
