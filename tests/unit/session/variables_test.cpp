#include "session/variables.hpp"

#include <gtest/gtest.h>

namespace patter::session {
namespace {

TEST(SubstituteVariablesTest, ReplacesKnownPlaceholders) {
  const Variables vars = {{"name", "Anna"}, {"city", "Roma"}};
  EXPECT_EQ(substitute_variables("Hi {name}, welcome to {city}. Bye {name}!", vars),
            "Hi Anna, welcome to Roma. Bye Anna!");
}

TEST(SubstituteVariablesTest, LeavesUnknownPlaceholdersAndLoneBraces) {
  const Variables vars = {{"name", "Anna"}};
  EXPECT_EQ(substitute_variables("{greeting} {name}", vars), "{greeting} Anna");
  EXPECT_EQ(substitute_variables("a { b", vars), "a { b");
  EXPECT_EQ(substitute_variables("a } b {", vars), "a } b {");
  EXPECT_EQ(substitute_variables("{{name}}", vars), "{Anna}");
  EXPECT_EQ(substitute_variables("{}", vars), "{}");
}

TEST(SubstituteVariablesTest, ValuesAreNotExpandedAgain) {
  const Variables vars = {{"a", "{b}"}, {"b", "x"}};
  EXPECT_EQ(substitute_variables("{a}", vars), "{b}");
}

TEST(SubstituteVariablesTest, Utf8ValuesAndNames) {
  const Variables vars = {{"città", "Milano"}, {"name", "Zoë"}};
  EXPECT_EQ(substitute_variables("Ciao {name} da {città}", vars), "Ciao Zoë da Milano");
}

}  // namespace
}  // namespace patter::session
