#include "turn/turn_commit_filter.hpp"

#include <gtest/gtest.h>

namespace patter::turn {
namespace {

using namespace std::chrono_literals;

TEST(TurnCommitFilterTest, DropsTheRecognisersFavouriteInventions) {
  TurnCommitFilter filter{TurnCommitOptions{}};
  core::TimePoint t{10s};
  for (const char* text : {"Thank you.", "  you ", "Okay!", "hmm?", ".", "Bye;"}) {
    EXPECT_EQ(filter.judge(text, t), CommitVerdict::hallucination) << text;
    t += 3s;
  }
  EXPECT_EQ(filter.judge("Thank you for calling me back", t), CommitVerdict::commit);
}

TEST(TurnCommitFilterTest, DropsADuplicateWithinTwoSecondsButNotLater) {
  TurnCommitFilter filter{TurnCommitOptions{}};
  EXPECT_EQ(filter.judge("Book a table", core::TimePoint{10s}), CommitVerdict::commit);
  EXPECT_EQ(filter.judge("book a table.", core::TimePoint{11s}), CommitVerdict::duplicate);
  EXPECT_EQ(filter.judge("Book a table", core::TimePoint{13500ms}), CommitVerdict::commit);
}

TEST(TurnCommitFilterTest, BackToBackFinalsWithinTheGapAreTooSoon) {
  TurnCommitFilter filter{TurnCommitOptions{}};
  EXPECT_EQ(filter.judge("I want to", core::TimePoint{10s}), CommitVerdict::commit);
  EXPECT_EQ(filter.judge("book a table", core::TimePoint{10400ms}), CommitVerdict::too_soon);
  EXPECT_EQ(filter.judge("for two", core::TimePoint{10600ms}), CommitVerdict::commit);
  EXPECT_EQ(filter.judge(" ,. ", core::TimePoint{20s}), CommitVerdict::empty);
}

TEST(TurnCommitFilterTest, EveryRuleIsConfigurable) {
  TurnCommitOptions options;
  options.hallucinations = {"Cool!"};
  options.duplicate_window = 0ms;
  options.min_gap = 0ms;
  TurnCommitFilter filter{options};
  EXPECT_EQ(filter.judge("thank you", core::TimePoint{1s}), CommitVerdict::commit);
  EXPECT_EQ(filter.judge("thank you", core::TimePoint{1s}), CommitVerdict::commit);
  EXPECT_EQ(filter.judge("cool", core::TimePoint{1s}), CommitVerdict::hallucination);
}

TEST(MinWordsStrategyTest, NeedsNWordsWhileTheAgentSpeaksAndOneWhenSilent) {
  MinWordsStrategy strategy(2);
  EXPECT_FALSE(strategy.evaluate(BargeInContext{"yeah", false, true}));
  EXPECT_TRUE(strategy.evaluate(BargeInContext{"wait, stop", false, true}));
  EXPECT_TRUE(strategy.evaluate(BargeInContext{"yeah", false, false}));
  EXPECT_FALSE(strategy.evaluate(BargeInContext{" ... ", true, false}));
  EXPECT_TRUE(strategy.evaluate(BargeInContext{"don't go", false, true}));
}

}  // namespace
}  // namespace patter::turn
