#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/websocket.hpp"
#include "providers/stt/assemblyai_config.hpp"
#include "providers/stt/stt_connection.hpp"

namespace patter::providers {

// What one stream needs besides its events.
struct AssemblyAiSessionSetup : SttConnection {
  std::shared_ptr<const AssemblyAiConfig> config;
};

// Starts one Universal Streaming session on setup.loop and returns its handle (whose methods
// may be called from any thread; they hop to the loop).
//
// Audio goes out in config.chunk pieces; finalize() and close() pad the rest with silence and
// send it. Turn messages become transcripts: partial turns are interim, an ended turn is one
// final with speech_final (its formatted text when format_turns). Audio pushed before the socket
// opens, and audio no ended turn covered yet when the socket drops, is replayed on the next
// socket (within config.replay_window), so a reconnect loses no words and repeats no final.
std::unique_ptr<SttStream> start_assemblyai_session(AssemblyAiSessionSetup setup, SttEvents events);

// Ends an AssemblyAI session politely: Terminate, then the close handshake.
void close_assemblyai_socket(net::WebSocket& socket);

}  // namespace patter::providers
