#pragma once

#include <string>
#include <string_view>

namespace patter::providers {

// The voice id for a voice name ElevenLabs ships with every account ("rachel", "Sarah"; case is
// ignored), or the argument itself when it already is a voice id (20 letters and digits, as
// ElevenLabs' ids and those of cloned voices are). Throws core::Error (config_invalid) for
// anything else, listing a few of the known names.
std::string elevenlabs_voice_id(std::string_view name_or_id);

}  // namespace patter::providers
