#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "providers/stt/deepgram_config.hpp"
#include "providers/stt/stt_connection.hpp"

namespace patter::providers {

// What one stream needs besides its events.
struct DeepgramSessionSetup : SttConnection {
  std::shared_ptr<const DeepgramConfig> config;
};

// Starts one live stream on setup.loop and returns its handle (whose methods may be called from
// any thread; they hop to the loop). Audio pushed before the socket opens, and audio the server
// has not yet covered with a final result when the socket drops, is replayed on the next socket
// (within config.replay_window), so a reconnect loses no words and repeats no final.
std::unique_ptr<SttStream> start_deepgram_session(DeepgramSessionSetup setup, SttEvents events);

}  // namespace patter::providers
