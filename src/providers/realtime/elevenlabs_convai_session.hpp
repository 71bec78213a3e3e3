#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include <patter/engine.hpp>

#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "net/ws_client.hpp"
#include "providers/realtime/elevenlabs_convai_config.hpp"

namespace patter::providers {

// What one conversation needs besides its events.
struct ConvAiSessionSetup {
  boost::asio::any_io_executor loop;  // where the conversation runs and its events come from
  std::shared_ptr<const ElevenLabsConvAiConfig> config;
  std::shared_ptr<net::WsClient> ws_client;
  std::shared_ptr<net::HttpClient> http_client;  // the loop's, for the signed URL
  std::shared_ptr<core::Clock> clock;            // the loop's
  std::string call_id;
  EngineSessionConfig session;
  std::string voice_id;  // resolved; empty: the agent's own voice
};

// Starts one conversation on setup.loop and returns its handle (whose methods may be called
// from any thread; they hop to the loop):
//
// - connects (through a signed URL when configured), sends conversation_initiation_client_data
//   and reports on_ready once conversation_initiation_metadata names the audio formats in use;
//   caller audio pushed before that waits (bounded by config.max_pending_audio);
// - caller audio goes out as user_audio_chunk messages of config.input_chunk; agent audio
//   comes back unchanged when the agent speaks the carrier's format, else converted here into
//   20 ms carrier frames;
// - a response opens with its first audio or agent_response and ends (final transcript, then
//   on_response_done) config.response_done_after after its last audio, when the next
//   agent_response starts another, or, once interrupted, at agent_response_correction, whose
//   text (what the caller heard) replaces the response's;
// - interruption, and interrupt() or say() on our side, drop the response's audio still to
//   come: every audio event whose id is at most the interrupted one;
// - a socket that closes or drops, a refused handshake or no metadata in time is a fatal
//   on_error; malformed messages are logged and skipped.
std::unique_ptr<EngineSession> start_convai_session(ConvAiSessionSetup setup, EngineEvents events);

}  // namespace patter::providers
