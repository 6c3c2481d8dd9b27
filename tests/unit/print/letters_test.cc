// A letter for each golden signed product (tests/golden/*/*/*.xml): the letter mapping, the
// letter model, the PDF (judged by pdftotext), the manifest and the spool.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <thread>

#include "adapters/print/letter_model_reader.h"
#include "adapters/print/manifest.h"
#include "adapters/print/print_channel.h"
#include "hub/tls/digest.h"
#include "hub/xml/document.h"
#include "hub/xml/document_query.h"
#include "tests/unit/pdf/pdf_test_support.h"
#include "tests/unit/print/print_test_support.h"

namespace hub::adapters::print {
namespace {

using namespace testing;  // NOLINT

const std::map<std::string, std::string>& titles() {
  static const std::map<std::string, std::string> t = {
      {"kennisgeving-crisismaatregel", "Kennisgeving crisismaatregel (Wvggz)"},
      {"kennisgeving-beeindiging-crisismaatregel",
       "Kennisgeving beëindiging crisismaatregel (Wvggz)"},
      {"aanvraag-voorbereiding-zorgmachtiging", "Aanvraag voorbereiding zorgmachtiging (Wvggz)"},
      {"melding-crisismaatregel", "Melding crisismaatregel (Wvggz)"},
      {"melding-beeindiging-crisismaatregel", "Melding beëindiging crisismaatregel (Wvggz)"},
      {"melding-ibs", "Melding inbewaringstelling (Wzd)"},
      {"melding-beeindiging-ibs", "Melding beëindiging inbewaringstelling (Wzd)"},
      {"informeren-pvp", "Crisismaatregel: informatie voor de patiëntvertrouwenspersoon"},
      {"informeren-pvp-beeindiging",
       "Beëindiging crisismaatregel: informatie voor de patiëntvertrouwenspersoon"},
      {"verzoek-aanwijzing-advocaat", "Verzoek aanwijzing advocaat ("},
      {"kennisgeving-ibs", "Kennisgeving inbewaringstelling (Wzd)"},
      {"kennisgeving-beeindiging-ibs", "Kennisgeving beëindiging inbewaringstelling (Wzd)"},
  };
  return t;
}

// pdftotext output with every run of whitespace as one space (titles may wrap).
std::string flatText(const std::string& pdf) {
  std::string out;
  for (char c : hub::pdf::testing::pdfText(pdf)) {
    const bool space = c == ' ' || c == '\n' || c == '\f' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

struct Prepared {
  ChannelInput in;
  WireMessage msg;
};

class Letters : public ::testing::Test {
 protected:
  std::unique_ptr<Channel> channel(const std::string& partner, const std::string& product) {
    auto ch = PrintChannel::create(spoolOptions(spool_.path()), partnerAddress(partner),
                                   partnerConfig(partner), sourceDir() + "/mappings", {product});
    EXPECT_TRUE(ch) << ch.error().message;
    return ch ? std::move(*ch) : nullptr;
  }
  TempDir spool_;
};

TEST_F(Letters, EveryGoldenProductBecomesALetter) {
  const auto goldens = goldenProducts();
  ASSERT_EQ(goldens.size(), 13u);
  std::set<std::string> products;
  for (const auto& g : goldens) {
    SCOPED_TRACE(g.path);
    products.insert(g.partner + "/" + g.product);
    const std::string signed_xml = readFile(g.path);
    auto doc = xml::Document::parseUntrusted(signed_xml);
    ASSERT_TRUE(doc);
    const std::string zaak = xml::elementText(*doc, "/header/zaaknummer").value_or("");
    const std::string delivery = xml::elementText(*doc, "/header/deliveryId").value_or("");
    ASSERT_FALSE(zaak.empty());
    auto ch = channel(g.partner, g.product);
    ASSERT_TRUE(ch);
    ChannelInput in = inputFor(g, signed_xml, delivery, zaak);
    in.product_sha256 = tls::hexEncode(tls::sha256(signed_xml));
    auto msg = ch->prepare(in);
    ASSERT_TRUE(msg) << msg.error().message;
    EXPECT_EQ(msg->channel, "print");
    EXPECT_EQ(msg->media_type, "application/pdf");
    const std::string name = g.partner + "-" + delivery;
    EXPECT_EQ(msg->target, "spool:" + name + ".pdf");

    const std::string text = flatText(msg->body);
    EXPECT_NE(text.find(zaak), std::string::npos);
    for (const auto& line : partnerAddress(g.partner).address)
      EXPECT_NE(text.find(line), std::string::npos) << line;
    EXPECT_NE(text.find(titles().at(g.product)), std::string::npos) << text;
    EXPECT_NE(text.find("Utrecht, 22 november 2026"), std::string::npos);
    EXPECT_NE(text.find("Pagina 1 van"), std::string::npos);
    EXPECT_NE(text.find(delivery), std::string::npos);
    // The person concerned, as the product carries the name.
    const std::string surname = xml::elementText(*doc, "/betrokkene/geslachtsnaam").value_or("");
    EXPECT_NE(text.find(surname), std::string::npos) << surname;
    // No signature material, no raw booleans or ISO dates.
    EXPECT_EQ(text.find("normalised"), std::string::npos);
    EXPECT_EQ(text.find("true"), std::string::npos);
    EXPECT_EQ(text.find("T23:40"), std::string::npos);

    ASSERT_EQ(msg->parts.size(), 1u);
    EXPECT_EQ(msg->parts[0].name, name + ".json");
    auto manifest = parseManifest(msg->parts[0].bytes);
    ASSERT_TRUE(manifest) << manifest.error().message;
    EXPECT_EQ(manifest->pdf_sha256, tls::hexEncode(tls::sha256(msg->body)));
    EXPECT_EQ(manifest->product_sha256, in.product_sha256);
    EXPECT_EQ(manifest->pdf_file, name + ".pdf");
    EXPECT_EQ(manifest->zaaknummer, zaak);
    EXPECT_EQ(manifest->delivery_id, delivery);
    EXPECT_EQ(manifest->partner, g.partner);
    EXPECT_EQ(manifest->product, g.product);
    EXPECT_EQ(manifest->recipient, partnerAddress(g.partner).address);
    EXPECT_EQ(manifest->created_at, "2026-11-22T07:15:00.000Z");
    EXPECT_GE(manifest->pages, 1);

    Outcome o = ch->send(in, *msg);
    EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
    EXPECT_EQ(o.receipt, "written " + name + ".pdf");
    EXPECT_EQ(readFile(spool_.path() + "/" + name + ".pdf"), msg->body);
    const std::string on_disk = readFile(spool_.path() + "/" + name + ".json");
    EXPECT_EQ(on_disk, msg->parts[0].bytes);
    EXPECT_EQ(parseManifest(on_disk)->pdf_sha256,
              tls::hexEncode(tls::sha256(readFile(spool_.path() + "/" + name + ".pdf"))));
  }
  EXPECT_EQ(products.size(), 12u);
}

TEST_F(Letters, PrepareIsPureAndReproducible) {
  const auto g = goldenProducts().front();
  auto ch = channel(g.partner, g.product);
  ASSERT_TRUE(ch);
  const ChannelInput in = inputFor(g, readFile(g.path), "d-1", "");
  auto a = ch->prepare(in);
  auto b = ch->prepare(in);
  ASSERT_TRUE(a && b) << (a ? b.error().message : a.error().message);
  EXPECT_EQ(a->body, b->body);
  EXPECT_EQ(a->parts[0].bytes, b->parts[0].bytes);
  EXPECT_TRUE(std::filesystem::is_empty(spool_.path()));  // prepare wrote nothing
}

TEST_F(Letters, PrepareFromSeveralThreadsAtOnce) {
  const auto g = goldenProducts().front();
  auto ch = channel(g.partner, g.product);
  ASSERT_TRUE(ch);
  const ChannelInput in = inputFor(g, readFile(g.path), "d-6", "");
  auto reference = ch->prepare(in);
  ASSERT_TRUE(reference);
  std::atomic<int> same{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto m = ch->prepare(in);
        if (m && m->body == reference->body) ++same;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 20);
}

TEST_F(Letters, SendingTwiceIsIdempotent) {
  const auto g = goldenProducts().front();
  auto ch = channel(g.partner, g.product);
  ASSERT_TRUE(ch);
  ChannelInput in = inputFor(g, readFile(g.path), "d-2", "");
  auto first = ch->prepare(in);
  ASSERT_TRUE(first);
  EXPECT_EQ(ch->send(in, *first).kind, OutcomeKind::kDelivered);
  in.now_ms += 3'600'000;  // a retry an hour later renders other bytes (the date)
  auto second = ch->prepare(in);
  ASSERT_TRUE(second);
  Outcome o = ch->send(in, *second);
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered);
  EXPECT_EQ(o.receipt, "already written " + g.partner + "-d-2.pdf");
  EXPECT_EQ(readFile(spool_.path() + "/" + g.partner + "-d-2.pdf"), first->body);
}

TEST_F(Letters, WrongZaaknummerOrWrongProductIsRefused) {
  const auto goldens = goldenProducts();
  const auto& g = goldens.front();
  auto ch = channel(g.partner, g.product);
  ASSERT_TRUE(ch);
  auto wrong_case = ch->prepare(inputFor(g, readFile(g.path), "d-3", "XX-0000-2026-000001"));
  ASSERT_FALSE(wrong_case);
  EXPECT_NE(wrong_case.error().message.find("zaaknummer"), std::string::npos);
  // Another product's XML through this product's letter mapping.
  const auto& other = goldens.back();
  ASSERT_NE(other.product, g.product);
  auto wrong_product = ch->prepare(inputFor(g, readFile(other.path), "d-4", ""));
  EXPECT_FALSE(wrong_product);
}

TEST_F(Letters, AMissingLetterMappingIsAConfigErrorNamingTheFile) {
  auto ch = PrintChannel::create(spoolOptions(spool_.path()), partnerAddress("om"),
                                 partnerConfig("om"), sourceDir() + "/mappings",
                                 {"kennisgeving-crisismaatregel", "bestaat-niet"});
  ASSERT_FALSE(ch);
  EXPECT_EQ(ch.error().code, "config");
  EXPECT_NE(ch.error().message.find("om/bestaat-niet.letter.xsl"), std::string::npos)
      << ch.error().message;
}

TEST_F(Letters, ASpoolDirectoryThatIsMissingIsAConfigError) {
  auto ch = PrintChannel::create(spoolOptions(spool_.path() + "/nope"), partnerAddress("om"),
                                 partnerConfig("om"), sourceDir() + "/mappings",
                                 {"kennisgeving-crisismaatregel"});
  ASSERT_FALSE(ch);
  EXPECT_EQ(ch.error().code, "config");
}

TEST_F(Letters, AnUnwritableSpoolIsRetryable) {
  const auto g = goldenProducts().front();
  auto ch = channel(g.partner, g.product);
  ASSERT_TRUE(ch);
  ChannelInput in = inputFor(g, readFile(g.path), "d-5", "");
  auto msg = ch->prepare(in);
  ASSERT_TRUE(msg);
  std::filesystem::remove_all(spool_.path());
  Outcome o = ch->send(in, *msg);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason.find(spool_.path()), std::string::npos) << o.reason;  // no paths
  std::filesystem::create_directory(spool_.path());
}

}  // namespace
}  // namespace hub::adapters::print
