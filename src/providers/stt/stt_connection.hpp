#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "net/ws_client.hpp"

namespace patter::providers {

class ParkedSockets;

// How one WebSocket speech-to-text stream reaches its provider: what every session's setup
// holds besides its config.
struct SttConnection {
  boost::asio::any_io_executor loop;  // where the stream runs
  std::shared_ptr<net::WsClient> client;
  std::shared_ptr<core::Clock> clock;     // the loop's
  std::shared_ptr<ParkedSockets> parked;  // a socket warmup() opened for this call, if any
  std::string parked_key;
  net::WsConnectRequest request;
  std::string call_id;
  // Audio bytes sent by every stream of the provider, replays (and any padding) included.
  std::shared_ptr<std::atomic<std::uint64_t>> sent_bytes;
};

}  // namespace patter::providers
