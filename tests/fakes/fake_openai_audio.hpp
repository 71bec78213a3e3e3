#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_server.hpp"

namespace patter::fakes {

namespace detail {
struct FakeOpenAiAudioState;
}  // namespace detail

// How the fake answers one HTTP request to /v1/audio/speech or /v1/audio/transcriptions. The
// chunk knobs count body chunks of the speech stream; for a transcription, disconnect_after 0
// drops the connection instead of answering and malformed_after 0 answers 200 with a body that
// is not JSON.
struct FakeOpenAiAudioReply {
  // Headers go out at once and the first audio after this (speech); the whole answer waits this
  // long (transcription).
  std::chrono::milliseconds time_to_first_byte{0};
  std::chrono::milliseconds chunk_interval{0};
  std::size_t chunk_bytes = 4800;  // 100 ms of PCM16 24 kHz

  // Not 200: OpenAI's {"error":{"message","type","param","code"}} instead.
  int status = 200;
  std::string error_type;
  std::string error_code;
  std::string error_message;
  FakeHeaders error_headers;

  std::optional<std::size_t> disconnect_after;  // drop the TCP connection after this many chunks
  std::optional<std::size_t> malformed_after;   // then a broken chunk header, and close
  std::optional<std::size_t> stall_after;       // then nothing until the client leaves

  static FakeOpenAiAudioReply error(int status, std::string type, std::string code,
                                    std::string message);
  // 429 rate_limit_exceeded with Retry-After.
  static FakeOpenAiAudioReply rate_limited(int retry_after_seconds);
  static FakeOpenAiAudioReply server_error(int status = 500);
};

// The fake "hears" words written into G.711 audio, as FakeDeepgram does: a run of samples whose
// μ-law byte (A-law byte for g711_alaw; PCM16 samples are μ-law encoded first) is k, 1 <= k <=
// vocabulary size, is the word vocabulary[k - 1] once it lasts min_word. Those bytes are loud, so
// the fake's energy VAD takes them for speech, and μ-law silence (0xFF) for silence.
struct FakeOpenAiAudioOptions {
  bool tls = false;
  std::string api_key = "sk-fake-openai-0123456789abcdef";
  std::vector<std::string> vocabulary = {"hello", "there", "I",   "would",   "like",   "a",
                                         "table", "for",   "two", "tonight", "please", "thanks"};
  std::chrono::milliseconds min_word{40};
  // When given, the n-th utterance transcribed (over every socket and request, counted as each
  // transcript completes) is transcripts[n] instead of the words heard; then the words again.
  std::vector<std::string> transcripts;

  // ---- the Realtime transcription socket (/v1/realtime?intent=transcription) ----
  // Commit (or the VAD's end of speech) to the transcript's delta and completed events.
  std::chrono::milliseconds transcription_latency{0};
  // A 10 ms block of audio is speech when its RMS is at least this (linear PCM16).
  int speech_rms = 500;
  // Refuse the upgrade of the first `reject_connections` sockets with this status (401, 403,
  // 429, 500, ...) and OpenAI's error body; 429 carries Retry-After: reject_retry_after_s.
  int reject_status = 0;
  std::size_t reject_connections = static_cast<std::size_t>(-1);
  int reject_retry_after_s = 0;
  // Drop the TCP connection (no close frame) of the first `drop_connections` sockets once they
  // have received this many audio bytes.
  std::optional<std::size_t> drop_after_bytes;
  std::size_t drop_connections = 1;
  // Send `malformed_text` once a socket has received this many audio bytes.
  std::optional<std::size_t> malformed_after_bytes;
  std::string malformed_text =
      R"({"type":"conversation.item.input_audio_transcription.completed",)";
  // Send an error event {type: error_event_type, code: error_event_code} once a socket has
  // received this many audio bytes (the first socket only).
  std::optional<std::size_t> error_after_bytes;
  std::string error_event_type = "server_error";
  std::string error_event_code = "server_error";

  // ---- /v1/audio/speech ----
  std::chrono::milliseconds audio_per_character{10};  // PCM16 24 kHz tone per character
  FakeOpenAiAudioReply default_speech_reply;
  FakeOpenAiAudioReply default_transcription_reply;
};

// One Realtime transcription socket as the fake saw it.
struct FakeTranscriptionSocket {
  std::uint64_t connection_id = 0;
  std::string authorization;
  std::string beta_header;  // OpenAI-Beta
  std::vector<std::pair<std::string, std::string>> query;
  bool rejected = false;
  std::vector<std::string> session_updates;  // the session objects sent, as JSON text
  std::string input_audio_format = "pcm16";  // as last set
  std::string model;                         // input_audio_transcription.model, as last set
  std::string language;
  std::string prompt;
  std::string audio;  // every audio byte appended, decoded from base64
  std::size_t appends = 0;
  std::size_t empty_appends = 0;
  std::size_t appends_before_update = 0;  // audio sent before transcription_session.update
  std::size_t commits = 0;
  std::vector<std::string> received;  // types of the client's events, in order
  std::vector<std::string> sent;      // the fake's events, in order
  std::vector<std::string> errors;    // codes of the error events the fake sent
  bool dropped = false;               // by the drop_after_bytes knob
  std::optional<std::uint16_t> client_close_code;
  bool ended = false;  // the connection is gone

  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
  [[nodiscard]] std::size_t count_received(std::string_view type) const;
  [[nodiscard]] std::size_t count_sent(std::string_view type) const;
};

// One POST /v1/audio/transcriptions as the fake saw it.
struct FakeTranscriptionRequest {
  std::uint64_t connection_id = 0;
  std::string authorization;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> fields;  // the form's text fields
  std::string file_name;
  std::string file_content_type;
  std::string file;  // the uploaded file's bytes
  int wav_sample_rate = 0;
  int wav_channels = 0;
  std::string wav_encoding;  // "pcm16_le", "mulaw", ...
  double duration_ms = 0.0;
  std::string transcript;  // what the fake answered
  std::string rejection;   // why it answered 4xx; empty otherwise

  [[nodiscard]] std::optional<std::string> field(std::string_view name) const;
};

// One POST /v1/audio/speech as the fake saw it.
struct FakeSpeechRequest {
  std::uint64_t connection_id = 0;  // equal ids: the same TCP connection
  std::string authorization;
  std::string body;
  std::string model;
  std::string voice;
  std::string input;
  std::string response_format;
  std::optional<double> speed;
  std::string instructions;
  std::string rejection;  // why the fake answered 4xx; empty otherwise
};

// OpenAI's audio endpoints on a FakeServer (plain or TLS), started on construction:
//
// - GET /v1/realtime?intent=transcription (WebSocket): checks `Authorization: Bearer <key>`
//   (401 with OpenAI's error body) and the intent (400), sends transcription_session.created,
//   answers transcription_session.update with .updated (an error event for an unknown format,
//   model or turn detection), decodes input_audio_buffer.append audio in the session's format,
//   and runs an energy VAD with the session's prefix_padding_ms and silence_duration_ms:
//   speech_started, then after the silence speech_stopped (audio_end_ms includes it),
//   committed, and after transcription_latency one delta per word and completed.
//   input_audio_buffer.commit commits at once (an error input_audio_buffer_commit_empty under
//   100 ms); unknown events and malformed JSON get an error event, never a close.
// - POST /v1/audio/transcriptions: checks the key, parses the multipart form, checks the model
//   and that the file is a WAV (RIFF/WAVE, fmt, data; 400 "Invalid file format" otherwise, 400
//   audio_too_short under 0.1 s), and answers {"text"} (or plain text for response_format text).
// - POST /v1/audio/speech: checks the key and the JSON body (model, voice, input up to 4096
//   characters, response_format pcm only, speed 0.25..4, instructions only with
//   gpt-4o-mini-tts; 400 otherwise), then streams a PCM16 24 kHz tone whose length is
//   proportional to the text, as chunks.
//
// Each socket or request is one coroutine on the server's thread, so hundreds cost little.
class FakeOpenAiAudio {
 public:
  explicit FakeOpenAiAudio(FakeOpenAiAudioOptions options = {});
  ~FakeOpenAiAudio();
  FakeOpenAiAudio(const FakeOpenAiAudio&) = delete;
  FakeOpenAiAudio& operator=(const FakeOpenAiAudio&) = delete;

  // http(s)://127.0.0.1:PORT/v1, the API root.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const std::string& certificate_pem() const { return server_.certificate_pem(); }
  [[nodiscard]] const FakeOpenAiAudioOptions& options() const { return options_; }
  [[nodiscard]] std::size_t connections() const { return server_.log().connections_accepted(); }

  // Replies are used in the order queued, one per request; then the default reply.
  void enqueue_speech(FakeOpenAiAudioReply reply);
  void enqueue_transcription(FakeOpenAiAudioReply reply);

  [[nodiscard]] std::vector<FakeTranscriptionSocket> sockets() const;
  [[nodiscard]] std::vector<FakeTranscriptionRequest> transcription_requests() const;
  [[nodiscard]] std::vector<FakeSpeechRequest> speech_requests() const;
  // Blocks until `done()` holds (checked whenever the fake records something) or `timeout`.
  bool wait_until(const std::function<bool()>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  // Characters spoken over all speech requests; speeches that reached their end; speeches the
  // client left before their end.
  [[nodiscard]] std::size_t characters_spoken() const;
  [[nodiscard]] std::size_t completed_speeches() const;
  [[nodiscard]] std::size_t client_disconnects() const;

  // The PCM16 24 kHz audio the fake speaks for `text`.
  [[nodiscard]] std::string speech_audio_for(std::string_view text) const;
  // μ-law 8 kHz audio in which the fake hears `words`: each `word` long, then `gap` of silence.
  [[nodiscard]] std::string speech(
      const std::vector<std::string>& words,
      std::chrono::milliseconds word = std::chrono::milliseconds(300),
      std::chrono::milliseconds gap = std::chrono::milliseconds(100)) const;
  [[nodiscard]] static std::string silence(std::chrono::milliseconds length);

 private:
  FakeOpenAiAudioOptions options_;
  std::shared_ptr<detail::FakeOpenAiAudioState> state_;
  FakeServer server_;
};

}  // namespace patter::fakes
