#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/ws_client.hpp"
#include "providers/tts/elevenlabs_config.hpp"

namespace patter::providers {

// What one stream-input sentence needs besides its text.
struct WsTtsTarget {
  std::shared_ptr<net::WsClient> client;
  net::WsConnectRequest connect;       // URL, query, xi-api-key header, timeouts
  std::shared_ptr<const void> owner;   // the provider, whose parked sockets may be taken
};

// Speaks one sentence over ElevenLabs' stream-input WebSocket, one context per socket: takes a
// socket parked by warmup (or opens one), sends the opening single space, the sentence with
// flush, and the end of input, then hands the base64 audio of each message to on_audio until
// isFinal. cancel() drops the socket.
std::unique_ptr<TtsStream> start_ws_tts(boost::asio::any_io_executor loop,
                                        std::shared_ptr<Executor> relay, WsTtsTarget target,
                                        std::shared_ptr<const ElevenLabsConfig> config,
                                        std::string text, TtsEvents events);

}  // namespace patter::providers
