#pragma once
// The files a configuration names (keys, certificates, CA bundles, password files, the admin
// tokens): `config check` and `run` look for them before anything reads them, and report each
// one that is missing or unreadable at the key that named it:
//   hub.yaml:27:8 (signing.key): pki/hub-sign.key does not exist; make a test PKI (never for
//   production) with: bash deploy/pki/make-test-pki.sh deploy/local/pki
// The command is named for a missing key or certificate when the configuration sits in a source
// checkout: deploy/pki/make-test-pki.sh in a directory at or above the one of hub.yaml.
#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/config/diagnostics.h"

namespace hub::config {

struct ConfiguredFile {
  std::string key;   // key path: "signing.key", "partners.om.tls.ca[0]"
  std::string path;  // absolute
  bool pki = false;  // a key or certificate: what a test PKI holds
};

// The files hub.yaml's own sections name (intake, signing, admin, notify). The channels' options
// (partners' TLS, the secure-mail relay) are added by their readers' users with addTlsFiles.
std::vector<ConfiguredFile> configuredFiles(const HubConfig& cfg);

// The CA files, client certificate and key of `tls`, under `prefix` ("partners.om.tls").
void addTlsFiles(const std::string& prefix, const TlsConfig& tls,
                 std::vector<ConfiguredFile>& files);

// "hub.yaml:27:8 (signing.key): message" at the value of `key`; "hub.yaml (key): message" when
// the key was not written (a default).
std::string keyMessage(const HubConfig& cfg, const std::string& key, const std::string& message);

// `path` as the user wrote it: relative to the directory of hub.yaml when below it.
std::string shownPath(const HubConfig& cfg, const std::string& path);

// Reports each file that does not exist, is a directory or cannot be read; true when none.
// Paths in the test-PKI command are shown relative to `work_dir` (the working directory) when
// below it.
bool checkConfiguredFiles(const HubConfig& cfg, const std::vector<ConfiguredFile>& files,
                          const std::string& work_dir, Diagnostics& diag);

}  // namespace hub::config
