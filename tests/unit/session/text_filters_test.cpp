#include "session/text_filters.hpp"

#include <gtest/gtest.h>

namespace patter::session {
namespace {

TEST(FilterMarkdownTest, EmphasisKeepsItsText) {
  EXPECT_EQ(filter_markdown("This is **very** important."), "This is very important.");
  EXPECT_EQ(filter_markdown("This is __very__ important."), "This is very important.");
  EXPECT_EQ(filter_markdown("An *italic* and an _italic_ word."), "An italic and an italic word.");
  EXPECT_EQ(filter_markdown("**Bold with _nested_ italics**"), "Bold with nested italics");
  EXPECT_EQ(filter_markdown("Old ~~price~~ here"), "Old price here");
}

TEST(FilterMarkdownTest, LeavesNonEmphasisMarksAlone) {
  EXPECT_EQ(filter_markdown("set my_variable_name now"), "set my_variable_name now");
  EXPECT_EQ(filter_markdown("2 * 3 * 4 = 24"), "2 * 3 * 4 = 24");
  EXPECT_EQ(filter_markdown("an **unclosed bold"), "an **unclosed bold");
  EXPECT_EQ(filter_markdown("~ about 5"), "~ about 5");
}

TEST(FilterMarkdownTest, InlineCodeKeepsItsTextVerbatim) {
  EXPECT_EQ(filter_markdown("Run `make **all**` now"), "Run make **all** now");
}

TEST(FilterMarkdownTest, LinksAndImagesKeepTheirText) {
  EXPECT_EQ(filter_markdown("See [our site](https://example.com/a_b) today."),
            "See our site today.");
  EXPECT_EQ(filter_markdown("![a **logo**](logo.png)"), "a logo");
  EXPECT_EQ(filter_markdown("Array [1] stays"), "Array [1] stays");
}

TEST(FilterMarkdownTest, HeadingsBulletsQuotesAndRules) {
  EXPECT_EQ(filter_markdown("# Title\n## Sub title\n- first\n* second\n+ third\n> quoted\n---\n"
                            "#hashtag"),
            "Title\nSub title\nfirst\nsecond\nthird\nquoted\n#hashtag");
  EXPECT_EQ(filter_markdown("  - indented item"), "indented item");
  EXPECT_EQ(filter_markdown("1. First step"), "1. First step");
}

TEST(FilterMarkdownTest, CodeFencesGoButCodeStays) {
  EXPECT_EQ(filter_markdown("Example:\n```cpp\nint **p = 0;\n```\nDone."),
            "Example:\nint **p = 0;\nDone.");
}

TEST(FilterMarkdownTest, Utf8TextIsUntouched) {
  EXPECT_EQ(filter_markdown("**Grazie** per la _pazienza_, è tutto ok. 你好"),
            "Grazie per la pazienza, è tutto ok. 你好");
  EXPECT_EQ(filter_markdown(""), "");
}

TEST(FilterEmojiTest, RemovesEmojiAndTheSpaceTheyLeave) {
  EXPECT_EQ(filter_emoji("Great 👍 job"), "Great job");
  EXPECT_EQ(filter_emoji("👋 Hello there"), "Hello there");
  EXPECT_EQ(filter_emoji("All done ✅"), "All done");
  EXPECT_EQ(filter_emoji("Sunny ☀️ today"), "Sunny today");
  EXPECT_EQ(filter_emoji("Party 🎉\nNext line"), "Party\nNext line");
}

TEST(FilterEmojiTest, RemovesWholeSequences) {
  EXPECT_EQ(filter_emoji("Family 👨‍👩‍👧 photo"), "Family photo");
  EXPECT_EQ(filter_emoji("Hi 👋🏽 there"), "Hi there");
  EXPECT_EQ(filter_emoji("From 🇮🇹 Italy"), "From Italy");
  EXPECT_EQ(filter_emoji("Press 1️⃣ now"), "Press 1 now");
}

TEST(FilterEmojiTest, KeepsOtherScriptsAndJoinersOutsideEmoji) {
  EXPECT_EQ(filter_emoji("Caffè €5, 你好！"), "Caffè €5, 你好！");
  const std::string devanagari_with_joiner = "क्\u200Dष";
  EXPECT_EQ(filter_emoji(devanagari_with_joiner), devanagari_with_joiner);
  EXPECT_EQ(filter_emoji("bad \xFF byte"), "bad \xFF byte");
  EXPECT_EQ(filter_emoji("cut \xF0\x9F"), "cut \xF0\x9F");
}

TEST(FilterForTtsTest, AppliesBoth) {
  EXPECT_EQ(filter_for_tts("## Summary 🎉\n- **Order** shipped ✅"), "Summary\nOrder shipped");
}

}  // namespace
}  // namespace patter::session
