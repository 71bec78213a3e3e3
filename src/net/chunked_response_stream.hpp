#pragma once

// Internal to http_connection.cpp: the ResponseStream used for streaming routes.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "net/router.hpp"
#include "net/server_state.hpp"

namespace patter::net::detail {

// Chunked transfer encoding over the connection's stream. Each write is awaited under the
// server's write timeout, so a client that stops reading is dropped instead of buffered.
template <class Stream>
class ChunkedResponseStream final : public ResponseStream {
 public:
  ChunkedResponseStream(Stream& stream, const ConnectionControl& control, std::chrono::milliseconds write_timeout)
      : stream_(stream), control_(control), write_timeout_(write_timeout) {}

  boost::asio::awaitable<bool> begin(int status, HttpHeaders headers) override {
    namespace http = boost::beast::http;
    if (began_) co_return open_;
    began_ = true;
    http::response<http::empty_body> header;
    header.version(11);
    header.result(static_cast<unsigned>(status));
    for (const auto& [name, value] : headers) header.insert(name, value);
    if (!headers.contains("Content-Type")) header.set(http::field::content_type, "text/event-stream");
    if (!headers.contains("Cache-Control")) header.set(http::field::cache_control, "no-cache");
    header.keep_alive(false);
    header.chunked(true);
    http::response_serializer<http::empty_body> serializer(header);
    boost::beast::get_lowest_layer(stream_).expires_after(write_timeout_);
    auto [ec, written] =
        co_await http::async_write_header(stream_, serializer, boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)written;
    open_ = !ec;
    co_return open_;
  }

  boost::asio::awaitable<bool> write(std::string chunk) override {
    if (!began_) co_await begin(200, {});
    if (!is_open()) co_return false;
    if (chunk.empty()) co_return true;  // an empty chunk would end the body
    boost::beast::get_lowest_layer(stream_).expires_after(write_timeout_);
    auto [ec, written] = co_await boost::asio::async_write(
        stream_, boost::beast::http::make_chunk(boost::asio::buffer(chunk)),
        boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)written;
    if (ec) open_ = false;
    co_return open_;
  }

  bool is_open() const override { return open_ && !control_.stopping; }

  // Ends the body after the handler returns; sends an empty stream if nothing was sent.
  boost::asio::awaitable<void> finish() {
    if (!began_) co_await begin(200, {});
    if (!open_) co_return;
    boost::beast::get_lowest_layer(stream_).expires_after(write_timeout_);
    auto [ec, written] = co_await boost::asio::async_write(stream_, boost::beast::http::make_chunk_last(),
                                                           boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)written;
    open_ = !ec;
  }

  [[nodiscard]] bool began() const { return began_; }

 private:
  Stream& stream_;
  const ConnectionControl& control_;
  std::chrono::milliseconds write_timeout_;
  bool began_ = false;
  bool open_ = true;
};

}  // namespace patter::net::detail
