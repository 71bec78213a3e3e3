#include "providers/tts/elevenlabs_voices.hpp"

#include <algorithm>
#include <array>

#include "core/error.hpp"

namespace patter::providers {

namespace {

struct Voice {
  std::string_view name;
  std::string_view id;
};

// ElevenLabs' premade voices. "bella" is Sarah's former name, and "alloy" (OpenAI's default
// voice, the agent's default `voice`) maps to Sarah too, so a configuration written for another
// provider still speaks.
constexpr std::array kVoices{
    Voice{"adam", "pNInz6obpgDQGcFmaJgB"},      Voice{"alice", "Xb7hH8MSUJpSbSDYk0k2"},
    Voice{"alloy", "EXAVITQu4vr4xnSDxMaL"},     Voice{"antoni", "ErXwobaYiN019PkySvjV"},
    Voice{"aria", "9BWtsMINqrJLrRacOk9x"},      Voice{"arnold", "VR6AewLTigWG4xSOukaG"},
    Voice{"bella", "EXAVITQu4vr4xnSDxMaL"},     Voice{"bill", "pqHfZKP75CvOlQylNhV4"},
    Voice{"brian", "nPczCjzI2devNBz1zQrb"},     Voice{"callum", "N2lVS1w4EtoT3dr4eOWO"},
    Voice{"charlie", "IKne3meq5aSn9XLyUdCD"},   Voice{"charlotte", "XB0fDUnXU5powFXDhCwa"},
    Voice{"chris", "iP95p4xoKVk53GtZJA1s"},     Voice{"clyde", "2EiwWnXFnvU5JabPnv8n"},
    Voice{"daniel", "onwK4e9ZLuTAKqWW03F9"},    Voice{"dave", "CYw3kZ02Hs0563khs1Fj"},
    Voice{"domi", "AZnzlk1XvdvUeBnXmlld"},      Voice{"dorothy", "ThT5KcBeYPX3keUQqHPh"},
    Voice{"drew", "29vD33N1CtxCmqQRPOHJ"},      Voice{"elli", "MF3mGyEYCl7XYWbV9V3O"},
    Voice{"emily", "LcfcDJNUP1GQjkzn1xUU"},     Voice{"eric", "cjVigY5qzO86Huf0OWal"},
    Voice{"ethan", "g5CIjZEefAph4nQFvHAz"},     Voice{"fin", "D38z5RcWu1voky8WS1ja"},
    Voice{"freya", "jsCqWAovK2LkecY7zXl4"},     Voice{"george", "JBFqnCBsd6RMkjVDRZzb"},
    Voice{"gigi", "jBpfuIE2acCO8z3wKNLl"},      Voice{"giovanni", "zcAOhNBS3c14rBihAFp1"},
    Voice{"glinda", "z9fAnlkpzviPz146aGWa"},    Voice{"grace", "oWAxZDx7w5VEj9dCyTzz"},
    Voice{"harry", "SOYHLrjzK2X1ezoPC6cr"},     Voice{"james", "ZQe5CZNOzWyzPSCn5a3c"},
    Voice{"jeremy", "bVMeCyTHy58xNoL34h3p"},    Voice{"jessica", "cgSgspJ2msm6clMCkdW9"},
    Voice{"jessie", "t0jbNlBVZ17f02VDIeMI"},    Voice{"joseph", "Zlb1dXrM653N07WRdFW3"},
    Voice{"josh", "TxGEqnHWrfWFTfGW9XjX"},      Voice{"laura", "FGY2WhTYpPnrIDTdsKH5"},
    Voice{"liam", "TX3LPaxmHKxFdv7VOQHJ"},      Voice{"lily", "pFZP5JQG7iQjIQuC4Bku"},
    Voice{"matilda", "XrExE9yKIg1WjnnlVkGX"},   Voice{"michael", "flq6f7yk4E4fJM5XTYuZ"},
    Voice{"mimi", "zrHiDhphv9ZnVXBqCLjz"},      Voice{"nicole", "piTKgcLEGmPE4e6mEKli"},
    Voice{"patrick", "ODq5zmih8GrVes37Dizd"},   Voice{"paul", "5Q0t7uMcjvnagumLfvZi"},
    Voice{"rachel", "21m00Tcm4TlvDq8ikWAM"},    Voice{"river", "SAz9YHcvj6GT2YYXdXww"},
    Voice{"roger", "CwhRBWXzGAHq8TQ4Fs17"},     Voice{"sam", "yoZ06aMxZJJ28mfd3POQ"},
    Voice{"sarah", "EXAVITQu4vr4xnSDxMaL"},     Voice{"serena", "pMsXgVXv3BLzUgSXRplE"},
    Voice{"thomas", "GBv7mTt0atIp3Br8iCZE"},    Voice{"will", "bIHbv24MWmeRgasZH58o"},
};

constexpr std::size_t kVoiceIdLength = 20;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string elevenlabs_voice_id(std::string_view name_or_id) {
  std::string lowered(name_or_id);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), to_lower);
  for (const auto& voice : kVoices) {
    if (voice.name == lowered) return std::string(voice.id);
  }
  if (name_or_id.size() == kVoiceIdLength &&
      std::all_of(name_or_id.begin(), name_or_id.end(), is_alnum)) {
    return std::string(name_or_id);
  }
  throw core::Error(core::Errc::config_invalid,
                    "elevenlabs: unknown voice \"" + std::string(name_or_id) +
                        "\": give a voice id (20 letters and digits) or a premade voice name "
                        "such as sarah, rachel, adam, charlotte, george or lily");
}

}  // namespace patter::providers
