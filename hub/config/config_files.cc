#include "hub/config/config_files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace hub::config {
namespace {

void add(std::vector<ConfiguredFile>& files, const std::string& key, const std::string& path,
         bool pki) {
  if (!path.empty()) files.push_back({key, path, pki});
}

// Certificate and key of a TLS client or server, and the CA that checks the peer.
void addPair(std::vector<ConfiguredFile>& files, const std::string& prefix, const std::string& ca,
             const std::string& cert, const std::string& key) {
  add(files, prefix + "tls_ca", ca, true);
  add(files, prefix + "tls_certificate", cert, true);
  add(files, prefix + "tls_key", key, true);
}

// deploy/pki/make-test-pki.sh in `dir` or a directory above it; "" when there is none.
std::string testPkiScript(const std::string& dir) {
  std::error_code ec;
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    fs::path script = p / "deploy" / "pki" / "make-test-pki.sh";
    if (fs::is_regular_file(script, ec)) return script.string();
    if (p == p.parent_path()) break;
  }
  return "";
}

// A file deploy/pki/make-test-pki.sh writes: ca, rogue-ca, hub-sign, hub-client, partner-<code>,
// rogue-partner and rogue-client, each as .crt and .key.
bool testPkiFile(const fs::path& path) {
  static const std::set<std::string> kStems = {"ca",         "rogue-ca",      "hub-sign",
                                               "hub-client", "rogue-partner", "rogue-client"};
  const std::string ext = path.extension().string(), stem = path.stem().string();
  return (ext == ".crt" || ext == ".key") && (kStems.count(stem) || stem.rfind("partner-", 0) == 0);
}

std::string relativeTo(const std::string& dir, const std::string& path) {
  auto r = fs::path(path).lexically_relative(dir);
  return (!r.empty() && r.string().rfind("..", 0) != 0) ? r.string() : path;
}

}  // namespace

std::vector<ConfiguredFile> configuredFiles(const HubConfig& cfg) {
  std::vector<ConfiguredFile> files;
  for (size_t i = 0; i < cfg.intake.listen.size(); ++i) {
    const auto& s = cfg.intake.listen[i];
    addPair(files, "intake.listen[" + std::to_string(i) + "].", s.tls_ca, s.tls_cert, s.tls_key);
  }
  for (size_t i = 0; i < cfg.intake.connect.size(); ++i) {
    const auto& s = cfg.intake.connect[i];
    const std::string prefix = "intake.connect[" + std::to_string(i) + "].";
    add(files, prefix + "password_file", s.password_file, false);
    addPair(files, prefix, s.tls_ca, s.tls_cert, s.tls_key);
  }
  add(files, "signing.key", cfg.signing.key, true);
  add(files, "signing.certificate", cfg.signing.certificate, true);
  add(files, "admin.tokens_file", cfg.admin.tokens_file, false);
  add(files, "admin.tls.certificate", cfg.admin.tls_cert, true);
  add(files, "admin.tls.key", cfg.admin.tls_key, true);
  add(files, "admin.tls.client_ca", cfg.admin.tls_client_ca, true);
  add(files, "notify.password_file", cfg.notify.password_file, false);
  addPair(files, "notify.", cfg.notify.tls_ca, cfg.notify.tls_cert, cfg.notify.tls_key);
  return files;
}

void addTlsFiles(const std::string& prefix, const TlsConfig& tls,
                 std::vector<ConfiguredFile>& files) {
  for (size_t i = 0; i < tls.ca_files.size(); ++i)
    add(files, prefix + ".ca[" + std::to_string(i) + "]", tls.ca_files[i], true);
  add(files, prefix + ".client_certificate", tls.client_cert, true);
  add(files, prefix + ".client_key", tls.client_key, true);
  for (size_t i = 0; i < tls.crl.size(); ++i)  // files only; URLs are fetched at run time
    if (tls.crl[i].find("://") == std::string::npos)
      add(files, prefix + ".crl[" + std::to_string(i) + "]", tls.crl[i], false);
}

std::string keyMessage(const HubConfig& cfg, const std::string& key, const std::string& message) {
  auto it = cfg.sources.find(key);
  const std::string where =
      it != cfg.sources.end() ? it->second : fs::path(cfg.config_file).filename().string();
  return where + " (" + key + "): " + message;
}

std::string shownPath(const HubConfig& cfg, const std::string& path) {
  return relativeTo(cfg.base_dir, path);
}

bool checkConfiguredFiles(const HubConfig& cfg, const std::vector<ConfiguredFile>& files,
                          const std::string& work_dir, Diagnostics& diag) {
  const std::string script = testPkiScript(cfg.base_dir);
  std::set<std::string> hinted;  // directories whose test-PKI command was named already
  bool ok = true;
  for (const auto& f : files) {
    std::error_code ec;
    const auto st = fs::status(f.path, ec);
    const std::string shown = shownPath(cfg, f.path);
    std::string problem;
    if (!fs::exists(st)) {
      problem = shown + " does not exist";
      if (f.pki && !script.empty() && testPkiFile(f.path)) {
        const std::string dir = fs::path(f.path).parent_path().string();
        if (hinted.insert(dir).second)
          problem += "; make a test PKI (never for production) with: bash " +
                     relativeTo(work_dir, script) + " " + relativeTo(work_dir, dir);
        else
          problem += " (the test PKI command above makes it)";
      }
    } else if (fs::is_directory(st)) {
      problem = shown + " is a directory, not a file";
    } else if (::access(f.path.c_str(), R_OK) != 0) {
      problem = "cannot read " + shown + ": " + std::strerror(errno);
    }
    if (problem.empty()) continue;
    ok = false;
    diag.error(keyMessage(cfg, f.key, problem));
  }
  return ok;
}

}  // namespace hub::config
