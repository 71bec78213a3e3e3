#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "fakes/fake_messages.hpp"

namespace patter::fakes {

// One HTTP request on a fake server, answered by a route handler. The handler may answer
// properly, slowly, partially or not at all; writes go straight to the socket so every
// byte-level misbehaviour can be scripted. If the handler sends nothing, the fake answers 500.
class FakeHttpExchange {
 public:
  virtual ~FakeHttpExchange() = default;

  [[nodiscard]] virtual const FakeRequest& request() const = 0;

  // A complete response; Content-Length is added unless the headers set it.
  virtual boost::asio::awaitable<void> respond(FakeResponse response) = 0;
  boost::asio::awaitable<void> respond(int status, std::string body, FakeHeaders headers = {}) {
    return respond(FakeResponse{status, std::move(headers), std::move(body)});
  }

  // Chunked transfer encoding, one flushed chunk per send_chunk (SSE streams, audio).
  virtual boost::asio::awaitable<void> begin_chunked(int status, FakeHeaders headers) = 0;
  virtual boost::asio::awaitable<void> send_chunk(std::string_view data) = 0;
  virtual boost::asio::awaitable<void> end_chunked() = 0;

  // Bytes exactly as given (malformed responses, truncated headers).
  virtual boost::asio::awaitable<void> write_raw(std::string_view bytes) = 0;
  // Closes the TCP connection at once: no final chunk, no TLS close_notify.
  virtual void disconnect() = 0;
  // Never answers: returns when the client closes the connection or the server stops.
  virtual boost::asio::awaitable<void> stall() = 0;
};

}  // namespace patter::fakes
