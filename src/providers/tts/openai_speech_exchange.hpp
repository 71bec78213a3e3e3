#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include <patter/providers.hpp>

#include "net/http_client.hpp"
#include "providers/tts/openai_speech_config.hpp"

namespace patter::providers {

// Speaks one sentence over POST /audio/speech on `loop`: hands each piece of the chunked body to
// on_audio as it arrives, unchanged (raw PCM16 24 kHz; a piece may end mid-sample), then
// on_done. Failures before any audio are retried (config.max_attempts) with a short back-off;
// a 429 only when its Retry-After is at most config.max_retry_wait. A body read to its end
// returns the connection to the client's keep-alive pool; cancel() closes it, and no event
// follows. With a non-null `relay` events are posted to it, else delivered on the loop.
std::unique_ptr<TtsStream> start_speech_exchange(boost::asio::any_io_executor loop,
                                                 std::shared_ptr<Executor> relay,
                                                 std::shared_ptr<net::HttpClient> client,
                                                 std::shared_ptr<const OpenAiSpeechConfig> config,
                                                 net::HttpClientRequest request, TtsEvents events);

}  // namespace patter::providers
