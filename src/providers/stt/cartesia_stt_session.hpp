#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "core/clock.hpp"
#include "net/ws_client.hpp"
#include "providers/stt/cartesia_stt_config.hpp"

namespace patter::providers {

class ParkedSockets;

// What one stream needs besides its events.
struct CartesiaSttSessionSetup {
  boost::asio::any_io_executor loop;  // where the stream runs
  std::shared_ptr<const CartesiaSttConfig> config;
  std::shared_ptr<net::WsClient> client;
  std::shared_ptr<core::Clock> clock;     // the loop's
  std::shared_ptr<ParkedSockets> parked;  // a socket warmup() opened for this call, if any
  std::string parked_key;
  net::WsConnectRequest request;
  std::string call_id;
  // Audio bytes sent to Cartesia by every stream of the provider, replays included.
  std::shared_ptr<std::atomic<std::uint64_t>> sent_bytes;
};

// Starts one stream on setup.loop and returns its handle (whose methods may be called from any
// thread; they hop to the loop). Audio pushed before the socket opens, and audio no final (nor
// the flush_done of a finalize) has covered when the socket drops, is replayed on the next
// socket (within config.replay_window), so a reconnect loses no words and repeats no final.
std::unique_ptr<SttStream> start_cartesia_stt_session(CartesiaSttSessionSetup setup,
                                                      SttEvents events);

// Ends a Cartesia stream politely: "done", then the close handshake.
void close_cartesia_stt_socket(net::WebSocket& socket);

}  // namespace patter::providers
