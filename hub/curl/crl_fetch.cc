#include "hub/curl/crl_fetch.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/core/unique_fd.h"
#include "hub/curl/easy_options.h"

namespace hub::curl {
namespace {

using EasyPtr = CPtr<CURL, curl_easy_cleanup>;

struct Transfer {
  std::string body;
  bool too_large = false;
  const std::atomic<bool>* abort = nullptr;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > kMaxCrlBytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->body.append(data, n);
  return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->abort != nullptr && t->abort->load() ? 1 : 0;
}

Result<void> fsyncPath(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd.valid())
    return unexpected(errc::kIo, "cannot open " + path + ": " + std::strerror(errno));
  if (::fsync(fd.get()) != 0)
    return unexpected(errc::kIo, "cannot fsync " + path + ": " + std::strerror(errno));
  return {};
}

}  // namespace

Result<std::string> fetchCrl(const std::string& url, const CrlFetchOptions& options,
                             const std::atomic<bool>* abort) {
  EasyPtr easy(curl_easy_init());
  if (!easy) return unexpected(errc::kTransport, "curl_easy_init failed");
  CURL* e = easy.get();
  Transfer t;
  t.abort = abort;
  char error[CURL_ERROR_SIZE] = {};
  bool ok = setTransportOptions(e, {options.connect_timeout_ms, options.timeout_ms, error});
  auto set = [&](CURLcode rc) { ok = ok && rc == CURLE_OK; };
  set(curl_easy_setopt(e, CURLOPT_URL, url.c_str()));
  set(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L));
  set(curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L));
  set(curl_easy_setopt(e, CURLOPT_USERAGENT, "ketenhub/0.1"));
  set(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onBody));
  set(curl_easy_setopt(e, CURLOPT_WRITEDATA, &t));
  set(curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L));
  set(curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, onProgress));
  set(curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t));
  if (url.rfind("https://", 0) == 0) ok = ok && setVerifiedTls(e, {&options.ca_bundle});
  if (!ok) return unexpected(errc::kTransport, "libcurl refused an option");
  const CURLcode rc = curl_easy_perform(e);
  if (t.too_large)
    return unexpected(errc::kTransport,
                      "CRL larger than " + std::to_string(kMaxCrlBytes / (1024 * 1024)) + " MiB");
  if (rc != CURLE_OK)
    return unexpected(errc::kTransport, error[0] != '\0' ? error : curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return unexpected(errc::kTransport, "HTTP " + std::to_string(status));
  return std::move(t.body);
}

Result<void> writeFileAtomically(const std::string& path, const std::string& bytes) {
  const std::filesystem::path target(path);
  const std::string dir = target.parent_path().string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unexpected(errc::kIo, "cannot create " + dir + ": " + ec.message());
  std::string tmp = path + ".tmp.XXXXXX";
  UniqueFd fd(::mkstemp(tmp.data()));
  if (!fd.valid())
    return unexpected(errc::kIo, "cannot create a file in " + dir + ": " + std::strerror(errno));
  if (!writeAll(fd.get(), bytes)) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return unexpected(errc::kIo, "cannot write " + tmp + ": " + why);
  }
  if (::fchmod(fd.get(), 0644) != 0 || ::fsync(fd.get()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return unexpected(errc::kIo, "cannot sync " + tmp + ": " + why);
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return unexpected(errc::kIo, "cannot rename " + tmp + " to " + path + ": " + why);
  }
  return fsyncPath(dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace hub::curl
