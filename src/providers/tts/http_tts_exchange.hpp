#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include <patter/providers.hpp>

#include "net/http_client.hpp"
#include "providers/tts/elevenlabs_config.hpp"

namespace patter::providers {

// Speaks one sentence over ElevenLabs' HTTP streaming endpoint: POSTs `request` on `loop` and
// hands each piece of the chunked body to on_audio as it arrives, unchanged. A body read to its
// end returns the connection to the client's keep-alive pool; cancel() closes it.
std::unique_ptr<TtsStream> start_http_tts(boost::asio::any_io_executor loop,
                                          std::shared_ptr<Executor> relay,
                                          std::shared_ptr<net::HttpClient> client,
                                          std::shared_ptr<const ElevenLabsConfig> config,
                                          net::HttpClientRequest request, TtsEvents events);

}  // namespace patter::providers
