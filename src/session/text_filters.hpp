#pragma once

#include <string>
#include <string_view>

// Clean-ups applied to LLM text before it is spoken. All are UTF-8 safe: they never cut a
// character, and bytes that are not valid UTF-8 pass through unchanged.
namespace patter::session {

// Removes Markdown a listener should not hear: **bold**, __bold__, *italics*, _italics_,
// ~~strike~~ and `code` keep their text; [text](url) and ![alt](url) keep text and alt; heading
// marks, list bullets, quote marks, code fences and horizontal rules go. Underscores inside
// words (snake_case) and a lone "*" between spaces ("2 * 3") are kept.
std::string filter_markdown(std::string_view text);

// Removes emoji (pictographs, dingbats, flags, keycaps, skin tones and the joiners and variation
// selectors that build them) and the extra space a removed emoji leaves behind.
std::string filter_emoji(std::string_view text);

// Both filters: Markdown first, then emoji.
std::string filter_for_tts(std::string_view text);

}  // namespace patter::session
