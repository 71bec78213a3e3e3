#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/websocket.hpp"
#include "providers/stt/cartesia_stt_config.hpp"
#include "providers/stt/stt_connection.hpp"

namespace patter::providers {

// What one stream needs besides its events.
struct CartesiaSttSessionSetup : SttConnection {
  std::shared_ptr<const CartesiaSttConfig> config;
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
