#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

namespace patter::load {

using std::chrono::milliseconds;

// One load point: how many calls, how they arrive and talk, and how the fakes behind the
// server's providers behave. Defaults are a realistic cloud pipeline, scaled down.
struct LoadOptions {
  std::size_t calls = 50;
  milliseconds ramp{5000};      // calls start evenly spread over this
  milliseconds settle{1000};    // after the ramp, before the hold window opens
  milliseconds hold{10000};     // the measured window: every call talking in turns
  // Each caller hangs up at its first turn boundary after the hold (bounded by reply_timeout).
  milliseconds reply_timeout{15000};
  milliseconds quiet{400};      // the caller speaks again this long after the reply played out

  std::filesystem::path patter;  // the patter binary to serve with
  std::filesystem::path work_dir;  // agent file, server log, call store
  std::size_t server_threads = 0;  // 0: one per core
  std::size_t caller_threads = 1;
  bool dashboard = true;            // keep call records (the default production setup)
  bool verify_transcripts = false;  // compare every stored transcript with what was said

  // The fakes.
  milliseconds stt_latency{30};        // Deepgram: each message's processing and network delay
  milliseconds endpointing{200};       // Deepgram endpointing_ms
  milliseconds llm_ttft{250};          // time to first token
  milliseconds llm_token_interval{15};
  milliseconds tts_first_byte{150};
  // 40 ms chunks every 5 ms: eight times real time, a fast streaming TTS. At four times real time
  // (10 ms) the first paced frame of each reply waits up to 10 ms at the server for its audio,
  // which the callers see as pacing delay although it is the provider's.
  milliseconds tts_chunk_interval{5};
  milliseconds tts_audio_per_character{25};

  // The server's pacing lead (SpeechOutputOptions::lead): how far ahead of playout frames may go.
  milliseconds lead{120};
};

}  // namespace patter::load
