#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include <patter/engine.hpp>

#include "core/clock.hpp"
#include "net/ws_client.hpp"
#include "providers/realtime/openai_realtime_config.hpp"

namespace patter::providers {

// What one session needs besides its events.
struct OpenAiRealtimeSessionSetup {
  boost::asio::any_io_executor loop;  // where the session runs
  std::shared_ptr<const OpenAiRealtimeConfig> config;
  std::shared_ptr<net::WsClient> client;
  std::shared_ptr<core::Clock> clock;  // the loop's
  net::WsConnectRequest request;
  std::string call_id;
  std::string session_update;  // the configuration message, built by the engine
  std::string first_message;
  AudioFormat carrier;
  AudioFormat wire;  // the session's audio format (session_audio_format)
};

// Starts one Realtime session on setup.loop and returns its handle, whose methods may be called
// from any thread (they hop to the loop). The session connects, sends session.update, and is
// ready on session.updated: then the first message is asked for word for word, and the caller
// audio pushed meanwhile (the last config.max_pending_audio of it) is sent. Responses are asked
// for one at a time: a response.create waits while another response is in progress. Events
// are delivered on the loop; after close() returns none follows. Every failure is final.
std::unique_ptr<EngineSession> start_openai_realtime_session(OpenAiRealtimeSessionSetup setup,
                                                             EngineEvents events);

}  // namespace patter::providers
