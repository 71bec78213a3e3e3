#include "core/xml_escape.hpp"

#include <gtest/gtest.h>

#include <string>

namespace patter::core {
namespace {

using namespace std::string_literals;

TEST(XmlEscape, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(xml_escape(R"(a & b < c > d " e ' f)"), "a &amp; b &lt; c &gt; d &quot; e &apos; f");
  EXPECT_EQ(xml_escape("&amp;"), "&amp;amp;");
}

TEST(XmlEscape, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(xml_escape(""), "");
  EXPECT_EQ(xml_escape("Hello, how can I help?"), "Hello, how can I help?");
  EXPECT_EQ(xml_escape("line one\nline two\ttab\r\n"), "line one\nline two\ttab\r\n");
}

TEST(XmlEscape, KeepsWellFormedUtf8) {
  const auto text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBD"s;  // é € 😀 U+FFFD
  EXPECT_EQ(xml_escape(text), text);
}

TEST(XmlEscape, DropsControlCharactersXmlForbids) {
  EXPECT_EQ(xml_escape("a\x01"
                       "b\x1F"
                       "c\x0B"
                       "d\x0C"
                       "e"),
            "abcde");
  EXPECT_EQ(xml_escape("nul\0byte"s), "nulbyte");
}

TEST(XmlEscape, DropsNoncharactersAndMalformedUtf8) {
  EXPECT_EQ(xml_escape("a\xEF\xBF\xBE"
                       "b\xEF\xBF\xBF"
                       "c"),
            "abc");  // U+FFFE, U+FFFF
  EXPECT_EQ(xml_escape("a\xC3"
                       "b"),
            "ab");  // truncated sequence
  EXPECT_EQ(xml_escape("a\x80"
                       "b"),
            "ab");  // stray continuation byte
  EXPECT_EQ(xml_escape("a\xC0\xAF"
                       "b"),
            "ab");  // overlong "/"
  EXPECT_EQ(xml_escape("a\xED\xA0\x80"
                       "b"),
            "ab");  // UTF-16 surrogate
  EXPECT_EQ(xml_escape("a\xF4\x90\x80\x80"
                       "b"),
            "ab");                              // above U+10FFFF
  EXPECT_EQ(xml_escape("end\xE2\x82"), "end");  // cut at the end
}

TEST(XmlEscape, HostileValueCannotCloseTheAttribute) {
  const auto escaped = xml_escape("\"/><Hangup/><Say x=\"");
  EXPECT_EQ(escaped.find('"'), std::string::npos);
  EXPECT_EQ(escaped.find('<'), std::string::npos);
  EXPECT_EQ(escaped.find('>'), std::string::npos);
}

}  // namespace
}  // namespace patter::core
