#include "adapters/print/print_channel.h"

#include <utility>

#include "adapters/print/letter_date.h"
#include "adapters/print/letter_model_reader.h"
#include "adapters/print/manifest.h"
#include "adapters/print/print_http.h"
#include "hub/core/error_codes.h"
#include "hub/core/time_format.h"
#include "hub/pdf_loader/pdf_loader.h"
#include "hub/tls/digest.h"
#include "hub/xml/document.h"

namespace hub::adapters::print {
namespace {

constexpr const char* kChannel = "print";

std::string joinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

PrintChannel::PrintChannel(const PrintHubOptions& hub, const PrintPartnerOptions& partner,
                           std::string code)
    : hub_(hub), partner_(partner), code_(std::move(code)) {}

std::string PrintChannel::letterName(const std::string& partner, const std::string& delivery_id) {
  return partner + "-" + delivery_id;
}

Result<std::unique_ptr<Channel>> PrintChannel::create(const PrintHubOptions& hub,
                                                      const PrintPartnerOptions& partner,
                                                      const PartnerConfig& partner_cfg,
                                                      const std::string& mappings_dir,
                                                      const std::vector<std::string>& products) {
  std::unique_ptr<PrintChannel> ch(new PrintChannel(hub, partner, partner_cfg.code));
  // The renderer module is loaded by the first letter; that it is there is checked now.
  if (auto module = pdf_loader::locateModule(); !module) return unexpected(module.error());
  std::string errors;
  for (const auto& product : products) {
    if (ch->letters_.count(product)) continue;
    const std::string path = mappings_dir + "/" + partner_cfg.code + "/" + product + ".letter.xsl";
    auto sheet = xml::Stylesheet::load(path);
    if (!sheet) {
      errors +=
          (errors.empty() ? "" : "\n") +
          ("print (" + partner_cfg.code + "): no usable letter mapping: " + sheet.error().message);
      continue;
    }
    ch->letters_.emplace(product, std::move(*sheet));
  }
  if (!errors.empty()) return unexpected(errc::kConfig, errors);
  if (hub.spoolMode()) {
    ch->spool_ = std::make_unique<SpoolWriter>(hub.spool_dir);
    if (auto ok = ch->spool_->check(); !ok) return unexpected(ok.error());
    if (auto cleaned = ch->spool_->cleanStale(); !cleaned)
      return unexpected(errc::kConfig, "print spool_dir: " + cleaned.error().message);
  } else {
    curl::HttpsTarget service{
        partner_cfg.code + "/print", hub.url, hub.tls, 16, hub.connect_timeout,
        hub.request_timeout,         ""};
    auto client = curl::HttpsClient::create(service);
    if (!client) return unexpected(errc::kConfig, "print url: " + client.error().message);
    ch->client_ = std::move(*client);
  }
  return std::unique_ptr<Channel>(std::move(ch));
}

Result<pdf::LetterModel> PrintChannel::letterModel(const ChannelInput& in) const {
  auto it = letters_.find(in.product);
  if (it == letters_.end())
    return unexpected(errc::kConfig, "print: no letter mapping for product " + in.product);
  auto product = xml::Document::parseUntrusted(in.signed_product);
  if (!product) return unexpected(product.error());
  const xml::Stylesheet::Params params = {
      {"recipient", joinLines(partner_.address)},
      {"return-address", hub_.return_address},
      {"sender", joinLines(hub_.sender)},
      {"place", hub_.place},
      {"date", amsterdamDate(in.now_ms)},
      {"delivery-id", in.delivery_id},
      {"zaaknummer", in.case_id},
  };
  auto letter = it->second->apply(*product, params);
  if (!letter) return unexpected(letter.error());
  auto model = readLetterModel(*letter);
  if (!model) return unexpected(model.error());
  model->create_date = pdfDate(in.now_ms);
  model->document_title = model->title;
  return model;
}

Result<WireMessage> PrintChannel::prepare(const ChannelInput& in) const {
  const std::string name = letterName(code_, in.delivery_id);
  if (!SpoolWriter::validName(name))
    return unexpected(errc::kInvalidInput, "print: delivery id unusable in a file name");
  auto model = letterModel(in);
  if (!model) return unexpected(model.error());
  auto rendered = pdf_loader::renderLetterPdf(*model);
  if (!rendered) return unexpected(rendered.error());
  Manifest m;
  m.recipient = partner_.address;
  m.partner = code_;
  m.product = in.product;
  m.zaaknummer = in.case_id;
  m.delivery_id = in.delivery_id;
  m.pages = rendered->pages;
  m.pdf_sha256 = tls::sha256Hex(rendered->bytes);
  m.pdf_file = name + ".pdf";
  m.product_sha256 =
      in.product_sha256.empty() ? tls::sha256Hex(in.signed_product) : in.product_sha256;
  m.created_at = formatRfc3339Utc(in.now_ms);
  for (size_t i = 0; i < model->enclosures.size(); ++i) {
    const auto& e = model->enclosures[i];
    m.enclosures.push_back({e.kind, e.file_name, e.sha256, rendered->enclosure_pages.at(i)});
  }
  WireMessage msg;
  msg.channel = kChannel;
  msg.media_type = "application/pdf";
  msg.body = std::move(rendered->bytes);
  msg.parts.push_back({name + ".json", "application/json", manifestJson(m)});
  if (hub_.spoolMode()) {
    msg.target = "spool:" + name + ".pdf";
  } else {
    msg.target = hub_.url;
    msg.headers = {
        {"Content-Type",
         "multipart/form-data; boundary=" + multipartBoundary(msg.body, msg.parts[0].bytes)},
        {"X-Message-Id", in.delivery_id},
    };
  }
  return msg;
}

Outcome PrintChannel::send(const ChannelInput& in, const WireMessage& msg) {
  const std::string name = letterName(code_, in.delivery_id);
  if (msg.parts.size() != 1 || msg.parts[0].name != name + ".json")
    return Outcome::permanent("print: message without its manifest");
  if (spool_) {
    auto written = spool_->write(name, msg.body, msg.parts[0].bytes);
    if (!written) {
      if (written.error().code == errc::kInvalidInput)
        return Outcome::permanent("print: " + written.error().message);
      return Outcome::retryable("print spool: " + written.error().message);
    }
    const bool fresh = *written == SpoolWriter::Written::kNew;
    Outcome o = Outcome::delivered(0, (fresh ? "written " : "already written ") + name + ".pdf");
    o.reason = "delivered by print";
    return o;
  }
  const std::string prefix = "multipart/form-data; boundary=";
  std::string boundary;
  for (const auto& [k, v] : msg.headers)
    if (k == "Content-Type" && v.rfind(prefix, 0) == 0) boundary = v.substr(prefix.size());
  if (boundary.empty()) return Outcome::permanent("print: message without a multipart boundary");
  const std::string body = multipartBody(boundary, name, msg.body, msg.parts[0].bytes);
  Outcome o = classifyPrintService(client_->post(body, msg.headers));
  if (!o.reason.empty()) o.reason = "print service: " + o.reason;
  return o;
}

}  // namespace hub::adapters::print
