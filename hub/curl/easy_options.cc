#include "hub/curl/easy_options.h"

namespace hub::curl {

bool setTransportOptions(CURL* e, const EasyTransport& t) {
  bool ok = true;
  auto set = [&](CURLcode rc) { ok = ok && rc == CURLE_OK; };
  set(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L));
  set(curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L));
  set(curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, t.connect_timeout_ms));
  set(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, t.request_timeout_ms));
  set(curl_easy_setopt(e, CURLOPT_MAXCONNECTS, 1L));
  set(curl_easy_setopt(e, CURLOPT_PROXY, ""));
  set(curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer));
  return ok;
}

bool setVerifiedTls(CURL* e, const EasyTls& tls) {
  bool ok = true;
  auto set = [&](CURLcode rc) { ok = ok && rc == CURLE_OK; };
  curl_blob ca{const_cast<char*>(tls.ca_bundle->data()), tls.ca_bundle->size(), CURL_BLOB_COPY};
  set(curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L));
  set(curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L));
  set(curl_easy_setopt(e, CURLOPT_CAINFO, nullptr));
  set(curl_easy_setopt(e, CURLOPT_CAPATH, nullptr));
  set(curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &ca));
  set(curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, tls.ssl_ctx_function));
  set(curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, tls.ssl_ctx_data));
  if (tls.client_cert_pem && !tls.client_cert_pem->empty()) {
    curl_blob cert{const_cast<char*>(tls.client_cert_pem->data()), tls.client_cert_pem->size(),
                   CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(tls.client_key_pem->data()), tls.client_key_pem->size(),
                  CURL_BLOB_COPY};
    set(curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM"));
    set(curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &cert));
    set(curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM"));
    set(curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &key));
  }
  return ok;
}

}  // namespace hub::curl
