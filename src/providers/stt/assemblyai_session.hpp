#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "core/clock.hpp"
#include "net/ws_client.hpp"
#include "providers/stt/assemblyai_config.hpp"

namespace patter::providers {

class ParkedSockets;

// What one stream needs besides its events.
struct AssemblyAiSessionSetup {
  boost::asio::any_io_executor loop;  // where the stream runs
  std::shared_ptr<const AssemblyAiConfig> config;
  std::shared_ptr<net::WsClient> client;
  std::shared_ptr<core::Clock> clock;     // the loop's
  std::shared_ptr<ParkedSockets> parked;  // a socket warmup() opened for this call, if any
  std::string parked_key;
  net::WsConnectRequest request;
  std::string call_id;
  // Audio bytes sent to AssemblyAI by every stream of the provider, replays and padding
  // included.
  std::shared_ptr<std::atomic<std::uint64_t>> sent_bytes;
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
