#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>

#include "net/websocket.hpp"

namespace patter::providers {

// Sockets opened ahead of need (warmup) on one event loop, waiting for the sentence that takes
// them. Kept by a service of the loop's io_context, so they close with the loop, never after
// it. A socket not taken within `ttl` is closed, before the server's inactivity timeout would;
// one whose owner is gone is closed on the next visit.
//
// `owner` identifies the provider. Call on the loop only.
void park_tts_socket(const boost::asio::any_io_executor& loop,
                 const std::shared_ptr<const void>& owner, std::shared_ptr<net::WebSocket> socket,
                 std::chrono::milliseconds ttl);
// A parked socket of `owner` that is still open, or null.
std::shared_ptr<net::WebSocket> take_parked_tts_socket(const boost::asio::any_io_executor& loop,
                                                   const std::shared_ptr<const void>& owner);

}  // namespace patter::providers
