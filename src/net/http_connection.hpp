#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "net/server_state.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace patter::net::detail {

// Serves one accepted connection until it closes: keep-alive requests, streamed responses
// or one WebSocket. Runs on the socket's executor.
boost::asio::awaitable<void> serve_connection(std::shared_ptr<ServerState> state,
                                              boost::asio::ip::tcp::socket socket);
boost::asio::awaitable<void> serve_tls_connection(std::shared_ptr<ServerState> state,
                                                  boost::asio::ip::tcp::socket socket,
                                                  boost::asio::ssl::context& tls);

// Asks a connection to wind down: WebSockets get 1001, idle keep-alive connections close,
// requests in flight finish. Call on the connection's executor.
void begin_connection_shutdown(ConnectionControl& connection);
// Drops the connection at once. Call on the connection's executor.
void force_close_connection(ConnectionControl& connection);

}  // namespace patter::net::detail
