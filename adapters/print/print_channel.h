#pragma once
// The print fallback channel: when a partner's coupling and secure mail both failed,
// the signed product becomes a PDF letter for postal delivery.
//
//   prepare(in)  pure: signed product -> mappings/<partner>/<product>.letter.xsl -> letter model
//                (letter_model_reader.h) -> PDF (hub/pdf; the product's documents printed after
//                the letter; rendered by the module hub/pdf_loader loads on the first letter)
//                + manifest (manifest.h). An enclosure that cannot be printed fails
//                prepare with a reason naming it (so the attempt fails permanently). WireMessage:
//                channel "print", target "spool:<name>.pdf" or the print service URL, media type
//                application/pdf, body the PDF, parts [{"<name>.json", application/json,
//                manifest}]; in URL mode also the HTTP headers (print_http.h).
//   send(in, m)  spool mode: SpoolWriter (atomic, idempotent) -> delivered "written <name>.pdf";
//                I/O errors retryable. URL mode: one multipart POST over mutual TLS, classified
//                by classifyPrintService.
//
// <name> is "<partner>-<delivery id>": no personal data in file names, reasons or targets.
// Thread-safe: prepare() shares only compiled stylesheets; send() uses SpoolWriter/HttpsClient.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/print/print_options.h"
#include "adapters/print/spool_writer.h"
#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/curl/https_client.h"
#include "hub/pdf/letter_model.h"
#include "hub/pipeline/channel.h"
#include "hub/xml/stylesheet.h"

namespace hub::adapters::print {

class PrintChannel final : public Channel {
 public:
  // Compiles mappings/<partner>/<product>.letter.xsl for every product once (a missing one is a
  // config error naming the file); spool mode checks the directory and removes stale temporary
  // files; URL mode builds the mutual-TLS client (certificates read once). Needs an XmlRuntime.
  static Result<std::unique_ptr<Channel>> create(const PrintHubOptions& hub,
                                                 const PrintPartnerOptions& partner,
                                                 const PartnerConfig& partner_cfg,
                                                 const std::string& mappings_dir,
                                                 const std::vector<std::string>& products);

  Result<WireMessage> prepare(const ChannelInput& in) const override;
  Outcome send(const ChannelInput& in, const WireMessage& msg) override;

  // The letter model prepare() renders (for tests and `route test`).
  Result<pdf::LetterModel> letterModel(const ChannelInput& in) const;

  static std::string letterName(const std::string& partner, const std::string& delivery_id);

 private:
  PrintChannel(const PrintHubOptions& hub, const PrintPartnerOptions& partner, std::string code);

  const PrintHubOptions hub_;
  const PrintPartnerOptions partner_;
  const std::string code_;                                                 // partner code
  std::map<std::string, std::shared_ptr<const xml::Stylesheet>> letters_;  // by product
  std::unique_ptr<SpoolWriter> spool_;                                     // spool mode
  std::unique_ptr<curl::HttpsClient> client_;                              // URL mode
};

}  // namespace hub::adapters::print
