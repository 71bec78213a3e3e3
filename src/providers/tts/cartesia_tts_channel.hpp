#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/ws_client.hpp"
#include "providers/tts/cartesia_tts_config.hpp"

namespace patter::providers {

// What the call's channel needs: one per provider and call, on the call's loop.
struct CartesiaChannelSetup {
  std::shared_ptr<const CartesiaTtsConfig> config;
  std::shared_ptr<net::WsClient> client;
  net::WsConnectRequest connect;  // URL, X-API-Key and Cartesia-Version, timeouts
  std::string call_id;
  std::string language;             // sent on every input; empty: not sent
  std::weak_ptr<const void> owner;  // the provider: its channels close once it is gone
  std::weak_ptr<Executor> call;     // the call's executor: gone when the call is
  // Characters sent to be spoken by every sentence of the provider, retries included.
  std::shared_ptr<std::atomic<std::uint64_t>> characters;
};

// Speaks one sentence on the call's Cartesia socket, opened on first need and kept across
// sentences. Each sentence gets a context (the turn's open one when it continues a turn): the
// sentence with "continue":true, then a flush; its chunk messages are its audio, and the
// flush_done closes it. cancel() cancels the context on the server and silences the sentence.
// A socket that drops ends the sentences it carried (retried while none of their audio was
// played).
std::unique_ptr<TtsStream> start_cartesia_sentence(const boost::asio::any_io_executor& loop,
                                                   std::shared_ptr<Executor> relay,
                                                   CartesiaChannelSetup setup, std::string text,
                                                   TtsEvents events);

// Opens the call's socket ahead of its first sentence (DNS, TCP, TLS and the upgrade), sending
// nothing. Failures are logged (the status only) and otherwise ignored.
void warm_cartesia_channel(const boost::asio::any_io_executor& loop, CartesiaChannelSetup setup);

}  // namespace patter::providers
