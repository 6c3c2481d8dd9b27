#include "hub/dsig/xmlsec_support.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "hub/core/error_codes.h"

namespace hub::dsig::internal {
namespace {

thread_local XmlSecErrorScope* t_scope = nullptr;

}  // namespace

XmlSecErrorScope::XmlSecErrorScope() : outer_(t_scope) { t_scope = this; }
XmlSecErrorScope::~XmlSecErrorScope() { t_scope = outer_; }

std::string XmlSecErrorScope::text() const {
  std::string out;
  for (size_t i = 0; i < reports_.size() && i < 4; ++i) {
    if (!out.empty()) out += "; ";
    out += reports_[i].second;
  }
  return out;
}

std::string XmlSecErrorScope::reportFor(int reason) const {
  for (const auto& [r, text] : reports_) {
    if (r == reason) return text;
  }
  return {};
}

void XmlSecErrorScope::add(int reason, std::string report) {
  if (reports_.size() < kKeep) reports_.emplace_back(reason, std::move(report));
}

void xmlSecErrorToScope(const char*, int, const char* func, const char*, const char* subject,
                        int reason, const char* msg) {
  if (t_scope == nullptr) return;  // outside Signer/Verifier calls: drop, never print
  std::string report = func != nullptr ? func : "xmlsec";
  if (subject != nullptr && *subject != '\0') report += std::string(": ") + subject;
  if (msg != nullptr && *msg != '\0') report += std::string(": ") + msg;
  for (char& c : report) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  t_scope->add(reason, std::move(report));
}

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(errc::kConfig, path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return unexpected(errc::kConfig, path + ": read error");
  return ss.str();
}

Result<void> checkKeyFileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return unexpected(errc::kConfig, path + ": cannot stat");
  if (!S_ISREG(st.st_mode)) return unexpected(errc::kConfig, path + ": not a regular file");
  if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return unexpected(errc::kConfig, path + ": private key file has mode " + mode +
                                         ", readable by group or others; chmod 600 it");
  }
  return {};
}

std::vector<std::string> certificateBlocks(const std::string& pem) {
  static const std::string kBegin = "-----BEGIN CERTIFICATE-----";
  static const std::string kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> blocks;
  for (size_t pos = pem.find(kBegin); pos != std::string::npos; pos = pem.find(kBegin, pos)) {
    const size_t end = pem.find(kEnd, pos);
    if (end == std::string::npos) break;
    blocks.push_back(pem.substr(pos, end + kEnd.size() - pos) + "\n");
    pos = end + kEnd.size();
  }
  return blocks;
}

}  // namespace hub::dsig::internal
