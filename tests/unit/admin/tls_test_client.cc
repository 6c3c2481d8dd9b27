#include "tests/unit/admin/tls_test_client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>

namespace hub::admin::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using boost::system::error_code;

struct Exchange {
  Exchange(asio::io_context& io, ssl::context& ctx) : stream(io, ctx) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  http::request<http::empty_body> req;
  http::response<http::string_body> res;
  TlsGetResult result;

  void failed(const char* step, const error_code& ec) {
    if (result.error.empty()) result.error = std::string(step) + ": " + ec.message();
  }
};

}  // namespace

TlsGetResult tlsGet(int port, const std::string& target, const std::string& ca,
                    const std::string& cert, const std::string& key,
                    std::chrono::milliseconds timeout) {
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  error_code ec;
  ctx.load_verify_file(ca, ec);
  if (!cert.empty() && !ec) ctx.use_certificate_chain_file(cert, ec);
  if (!key.empty() && !ec) ctx.use_private_key_file(key, ssl::context::pem, ec);
  if (ec) return {false, 0, "client setup: " + ec.message()};
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification("127.0.0.1"));

  auto x = std::make_shared<Exchange>(io, ctx);
  x->req = {http::verb::get, target, 11};
  x->req.set(http::field::host, "127.0.0.1");
  x->req.keep_alive(false);
  const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"),
                                   static_cast<unsigned short>(port));
  beast::get_lowest_layer(x->stream).expires_after(timeout);
  beast::get_lowest_layer(x->stream).async_connect(ep, [x](error_code ec) {
    if (ec) return x->failed("connect", ec);
    x->stream.async_handshake(ssl::stream_base::client, [x](error_code ec) {
      if (ec) return x->failed("handshake", ec);
      x->result.handshake_ok = true;
      http::async_write(x->stream, x->req, [x](error_code ec, std::size_t) {
        if (ec) return x->failed("write", ec);
        http::async_read(x->stream, x->buffer, x->res, [x](error_code ec, std::size_t) {
          if (ec) return x->failed("read", ec);
          x->result.status = static_cast<int>(x->res.result_int());
        });
      });
    });
  });
  io.run_for(timeout + std::chrono::milliseconds(500));
  return x->result;
}

}  // namespace hub::admin::testing
