#pragma once

#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "net/websocket.hpp"
#include "providers/stt/openai_transcribe_config.hpp"
#include "providers/stt/stt_connection.hpp"

namespace patter::providers {

// What one Realtime transcription stream needs besides its events.
struct TranscriptionSessionSetup : SttConnection {
  std::shared_ptr<const OpenAiTranscribeConfig> config;
  std::string language;  // ISO 639-1, or empty
};

// Starts one Realtime transcription stream on setup.loop and returns its handle (callable from
// any thread). Each socket first gets transcription_session.update, then the audio as
// input_audio_buffer.append. The server's VAD edges become on_speech_started/ended, transcript
// deltas interim transcripts, each item's completed transcript a final (speech_final when the
// server's VAD ended it). finalize() commits the speech in progress, or answers with an empty
// final when nothing is pending. Audio that no final covers yet is replayed on the next socket
// after a drop (within config.replay_window), so a reconnect loses no words and repeats no final.
std::unique_ptr<SttStream> start_transcription_session(TranscriptionSessionSetup setup,
                                                       SttEvents events);

// Ends a transcription socket politely: the close handshake with 1000 (the API has no message
// for it).
void close_transcription_socket(net::WebSocket& socket);

}  // namespace patter::providers
