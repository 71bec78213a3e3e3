#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/http_client.hpp"
#include "providers/stt/openai_transcribe_config.hpp"

namespace patter::providers {

// What one REST transcription stream needs besides its events.
struct UtteranceSessionSetup {
  boost::asio::any_io_executor loop;  // where the stream runs
  std::shared_ptr<const OpenAiTranscribeConfig> config;
  std::shared_ptr<net::HttpClient> client;  // the loop's keep-alive pool
  std::string language;                     // ISO 639-1, or empty
  std::string call_id;
  // Audio bytes (in the input format) of every utterance transcribed by the provider.
  std::shared_ptr<std::atomic<std::uint64_t>> sent_bytes;
};

// Starts one REST transcription stream on setup.loop and returns its handle (callable from any
// thread). The audio is decoded and gated (see UtteranceGate): the gate's edges become
// on_speech_started/ended, and each utterance one POST to /audio/transcriptions, sent one at a
// time in order, whose text is a final (speech_final when silence ended it). Silence is never
// sent. finalize() sends the utterance in progress at once, or answers with an empty final when
// nothing is pending. 5xx, timeouts and a short 429 are retried; anything else fails the stream.
std::unique_ptr<SttStream> start_utterance_session(UtteranceSessionSetup setup, SttEvents events);

}  // namespace patter::providers
