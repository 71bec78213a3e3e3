#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "providers/stt/openai_transcribe_config.hpp"

namespace patter::providers {

// ---- client events of a Realtime transcription session (beta, OpenAI-Beta: realtime=v1) ----

// transcription_session.update: the input format, the transcription model with its language and
// prompt, server_vad turn detection and noise reduction when set.
std::string transcription_session_update(const OpenAiTranscribeConfig& config,
                                         std::string_view language);
// input_audio_buffer.append with the bytes as base64; `bytes` must not be empty.
std::string audio_buffer_append(std::span<const std::uint8_t> bytes);
// input_audio_buffer.commit: the audio since the last commit becomes an item now.
std::string audio_buffer_commit();

// ---- server events ----

// transcription_session.created / .updated: the session is ready (nothing to read in it).
struct TranscriptionSessionReady {
  bool updated = false;
};

// input_audio_buffer.speech_started: times are ms of the audio this socket received.
struct TranscriptionSpeechStarted {
  std::string item_id;
  double audio_start_ms = 0.0;
};

// input_audio_buffer.speech_stopped; audio_end_ms includes the silence that ended the speech.
struct TranscriptionSpeechStopped {
  std::string item_id;
  double audio_end_ms = 0.0;
};

// input_audio_buffer.committed: the item whose transcript follows.
struct TranscriptionCommitted {
  std::string item_id;
};

// conversation.item.input_audio_transcription.delta
struct TranscriptionDelta {
  std::string item_id;
  std::string delta;
};

// conversation.item.input_audio_transcription.completed
struct TranscriptionCompleted {
  std::string item_id;
  std::string transcript;
};

// conversation.item.input_audio_transcription.failed: that item has no transcript.
struct TranscriptionItemFailed {
  std::string item_id;
  std::string message;
};

// error {error:{type, code, message}}: the socket stays open.
struct TranscriptionServerError {
  std::string type;
  std::string code;
  std::string message;
};

// A type this client does not use (input_audio_buffer.cleared, conversation.item.created, ...).
struct TranscriptionOther {
  std::string type;
};

// Not JSON, or a known event without a field it must have.
struct TranscriptionMalformed {
  std::string detail;
};

using TranscriptionEvent =
    std::variant<TranscriptionSessionReady, TranscriptionSpeechStarted, TranscriptionSpeechStopped,
                 TranscriptionCommitted, TranscriptionDelta, TranscriptionCompleted,
                 TranscriptionItemFailed, TranscriptionServerError, TranscriptionOther,
                 TranscriptionMalformed>;

TranscriptionEvent parse_transcription_event(std::string_view text);

}  // namespace patter::providers
