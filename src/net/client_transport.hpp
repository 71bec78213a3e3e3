#pragma once

// Internal to the client side of net: connection set-up shared by HttpClient and WsClient.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <string>

#include "net/client_error.hpp"
#include "net/url.hpp"

namespace patter::net::detail {

using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

// Resolves and connects to the endpoint within `timeout` (DNS and TCP together).
boost::asio::awaitable<boost::beast::tcp_stream> connect_tcp(const Endpoint& endpoint,
                                                             std::chrono::milliseconds timeout);

// Runs the client handshake with SNI and host-name verification within `timeout`.
boost::asio::awaitable<void> handshake_tls(TlsStream& stream, const Endpoint& endpoint,
                                           std::chrono::milliseconds timeout);

// "host:port" for error messages.
std::string describe(const Endpoint& endpoint);

// Classifies a read or write failure: timeouts, a peer that went away, or anything else.
ClientError transfer_error(const boost::beast::error_code& error, const std::string& context,
                           bool deadline_was_total);

}  // namespace patter::net::detail
