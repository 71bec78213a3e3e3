#pragma once

// Internal to FakeOpenAiRealtime: the shapes of its sessions and messages, and its audio.

#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <patter/audio_format.hpp>

#include "fakes/fake_messages.hpp"

namespace patter::fakes::realtime_shapes {

// The session's audio format in one direction.
struct WireFormat {
  Encoding encoding = Encoding::pcm16_le;
  int sample_rate = 24000;

  [[nodiscard]] std::size_t bytes_per_sample() const { return patter::bytes_per_sample(encoding); }
  [[nodiscard]] std::size_t samples_in(std::chrono::milliseconds length) const {
    return static_cast<std::size_t>(length.count() * sample_rate / 1000);
  }
};

// Beta names "g711_ulaw"/"g711_alaw"/"pcm16"; nullopt for anything else.
std::optional<WireFormat> beta_format(const boost::json::value* name);
// GA format objects {"type":"audio/pcmu"}, {"type":"audio/pcma"}, {"type":"audio/pcm"}.
std::optional<WireFormat> ga_format(const boost::json::value* format);
// Objects merge key by key, anything else replaces.
void merge(boost::json::object& into, const boost::json::object& from);
// The session a connection starts with, in the API's shape.
boost::json::object default_session(bool ga, const std::string& model);
// The text a "say exactly ... \"text\"" instruction asks for.
std::optional<std::string> verbatim_text(const std::string& instructions);
// Splits text into n pieces that concatenate back to it, at word boundaries where possible.
std::vector<std::string> split_text(const std::string& text, std::size_t pieces);
std::int64_t word_count(std::string_view text);
// Sample n of a sine tone.
std::int16_t tone_sample(double hz, int amplitude, std::int64_t n, int rate);
// OpenAI's refusal of an upgrade: {"error":{"message","type","param","code"}}.
FakeResponse rejection(int status);

}  // namespace patter::fakes::realtime_shapes
