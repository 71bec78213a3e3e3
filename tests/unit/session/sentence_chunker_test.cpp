// Specification of SentenceChunker, as tested below.
//
// Boundaries
//  - Terminators: . ! ? … ; and 。！？；．｡ । ॥ ؟ ؛ ۔ ؏ ։ ፧ ። ។ ៕ ။ ༎ ༏. A run of terminators
//    ("?!", "...") and the closing quotes/brackets right after it belong to the sentence.
//  - Terminators of scripts written without spaces (CJK, Indic, Arabic, Ethiopic, Khmer, Myanmar,
//    Tibetan, fullwidth forms) end the sentence whatever follows. The ASCII ones and … end it only
//    when whitespace follows, so "3.14", "www.example.com", "e.g", "Hello!World" never split.
//  - A single "." does not end the sentence after a title (Mr St Mrs Ms Dr ... Cmdr Adm), matched
//    case-sensitively ("turn it on." ends, "On. Rossi" does not).
//  - After a suffix (Inc Ltd Jr ... Blvd Sq), a single letter ("J. K. Rowling") or a dotted
//    abbreviation of 1-2 letter pieces ("U.S.A.", "e.g.", "Ph.D.", "a.m.") the period ends the
//    sentence only when the next word is a common sentence starter ("The", "Then", "We", ...).
//  - Dot runs and … trail off: they end the sentence only before a capital letter.
//  - A period after a TLD ("example.com.") is an ordinary period: the dots inside the domain are
//    already kept by the whitespace rule.
// Merging
//  - A sentence shorter than min_sentence_len (20 characters, counted in code points) is merged
//    with the following ones until the merged text is long enough, unless it stands alone: it is a
//    single sentence of >= min_words_for_short_flush (2) words, no digit right before the
//    terminator ("Step 2."), and not a <=3-letter all-caps word before "." ("the USA.").
// Aggressive first flush (opt-in; never for languages starting with "it")
//  - Before anything has been emitted, the text up to a , — or – is emitted once it is >= 40
//    characters and one more character has arrived, unless: digit,digit (so thousands separators
//    are never split), a currency sign in the 8 characters before, unbalanced ( [ { or an odd
//    number of ", the text before ends in ... or …, or the next character is a quote.
// Streaming
//  - A boundary is decided only once the characters that decide it have arrived, so the output
//    never depends on how the text was split into deltas; flush() returns the rest as one piece.
//  - UTF-8 is never split inside a character. Emitted pieces are trimmed; empty ones are dropped.

#include "session/sentence_chunker.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace patter::session {
namespace {

enum class Mode { kDefault, kAggressive, kAggressiveItalian };

struct ChunkerCase {
  std::string name;
  std::vector<std::string> deltas;
  std::vector<std::string> expected;
  Mode mode = Mode::kDefault;
};

SentenceChunkerOptions options_for(Mode mode) {
  SentenceChunkerOptions options;
  options.aggressive_first_flush = mode != Mode::kDefault;
  if (mode == Mode::kAggressiveItalian) options.language = "it-IT";
  return options;
}

std::vector<std::string> run(const std::vector<std::string>& deltas, Mode mode) {
  SentenceChunker chunker(options_for(mode));
  std::vector<std::string> out;
  for (const auto& delta : deltas) {
    for (auto& sentence : chunker.push(delta)) out.push_back(std::move(sentence));
  }
  if (auto rest = chunker.flush()) out.push_back(std::move(*rest));
  return out;
}

std::string join(const std::vector<std::string>& deltas) {
  std::string text;
  for (const auto& delta : deltas) text += delta;
  return text;
}

const std::vector<ChunkerCase>& cases() {
  static const std::vector<ChunkerCase> table = {
      {"TwoLongSentences",
       {"This is the first sentence here.", " And this is the second one."},
       {"This is the first sentence here.", "And this is the second one."}},
      {"ShortSentenceOfTwoWordsStandsAlone",
       {"I'm done.", " Next one."},
       {"I'm done.", "Next one."}},
      {"SplitBetweenPeriodAndSpace",
       {"I'm do", "ne", ".", " ", "Next", " one."},
       {"I'm done.", "Next one."}},
      {"TitleBeforeName",
       {"Please call Dr", ". Smith tomorrow morning, he is in."},
       {"Please call Dr. Smith tomorrow morning, he is in."}},
      {"DecimalNumber",
       {"The value of pi is 3", ".", "14 and that is enough."},
       {"The value of pi is 3.14 and that is enough."}},
      {"LatinAbbreviation",
       {"Bring some fruit, e.", "g. apples or pears to the party."},
       {"Bring some fruit, e.g. apples or pears to the party."}},
      {"WebAddress",
       {"Visit www.example", ".com for details about the plan."},
       {"Visit www.example.com for details about the plan."}},
      {"AcronymMidSentence",
       {"He moved to the U.S.A. last year with his family."},
       {"He moved to the U.S.A. last year with his family."}},
      {"AcronymBeforeSentenceStarter",
       {"He moved to the U.S.A. The weather there is great."},
       {"He moved to the U.S.A.", "The weather there is great."}},
      {"DoctorateAbbreviation",
       {"She earned a Ph.D. in chemistry at a young age."},
       {"She earned a Ph.D. in chemistry at a young age."}},
      {"SuffixBeforeSentenceStarter",
       {"I work for Acme Inc. The company makes rockets."},
       {"I work for Acme Inc.", "The company makes rockets."}},
      {"SuffixMidSentence",
       {"Acme Inc. makes rockets for everyone."},
       {"Acme Inc. makes rockets for everyone."}},
      {"EtceteraMidSentence",
       {"We sell apples, pears, etc. and many other fruits."},
       {"We sell apples, pears, etc. and many other fruits."}},
      {"NumberAbbreviation",
       {"Take bus No. 5 to reach the station quickly."},
       {"Take bus No. 5 to reach the station quickly."}},
      {"TitleSplitMidWord",
       {"Mrs", ". Jo", "hnson will see you now, she said."},
       {"Mrs. Johnson will see you now, she said."}},
      {"QuestionThenExclamation",
       {"Are you sure about that? ", "Yes, absolutely sure about it!"},
       {"Are you sure about that?", "Yes, absolutely sure about it!"}},
      {"TerminatorRun",
       {"Did you really say that?", "! I can hardly believe it."},
       {"Did you really say that?!", "I can hardly believe it."}},
      {"Semicolon",
       {"I like apples very much; they are sweet and crunchy."},
       {"I like apples very much;", "they are sweet and crunchy."}},
      {"OneWordSentenceMerges",
       {"Hi. ", "How are you doing today?"},
       {"Hi. How are you doing today?"}},
      {"ShortSentencesMergeUntilLongEnough",
       {"Hi. Yes. Sure. ", "Let me check that for you now."},
       {"Hi. Yes. Sure. Let me check that for you now."}},
      {"DigitBeforeTerminatorMerges",
       {"Step 2. Open the settings page now."},
       {"Step 2. Open the settings page now."}},
      {"ShortCapitalWordMerges",
       {"I love the USA. It is big and beautiful."},
       {"I love the USA. It is big and beautiful."}},
      {"EllipsisBeforeLowercaseContinues",
       {"Well... maybe we could try again later today."},
       {"Well... maybe we could try again later today."}},
      {"EllipsisBeforeCapitalEnds",
       {"Let me think about it for a second...", " Okay, here it is."},
       {"Let me think about it for a second...", "Okay, here it is."}},
      {"UnicodeEllipsisSplitInsideCharacter",
       {"Let me think about it for a second\xE2\x80", "\xA6 Okay, here it is."},
       {"Let me think about it for a second\u2026", "Okay, here it is."}},
      {"ChineseSentences",
       {"你好，我是你的语音助手，很高兴为你服务\xE3\x80", "\x82请问有什么可以帮你的吗？"},
       {"你好，我是你的语音助手，很高兴为你服务。", "请问有什么可以帮你的吗？"}},
      {"ChineseShortSentencesMerge",
       {"好的。我明白了。谢谢你的耐心等待，我们马上开始处理你的请求。"},
       {"好的。我明白了。谢谢你的耐心等待，我们马上开始处理你的请求。"}},
      {"ChineseFullwidthQuestionMerges",
       {"你今天过得怎么样？我今天过得非常好，谢谢你的关心和问候。"},
       {"你今天过得怎么样？我今天过得非常好，谢谢你的关心和问候。"}},
      {"JapaneseSentences",
       {"こんにちは、今日は本当にとても良い天気ですね。散歩に行きましょうか？"},
       {"こんにちは、今日は本当にとても良い天気ですね。", "散歩に行きましょうか？"}},
      {"HindiDanda",
       {"नमस्ते, आप कैसे हैं आज। मैं ठीक हूँ, धन्यवाद।"},
       {"नमस्ते, आप कैसे हैं आज।", "मैं ठीक हूँ, धन्यवाद।"}},
      {"ArabicQuestionMark",
       {"كيف حالك اليوم يا صديقي العزيز؟ أنا بخير والحمد لله."},
       {"كيف حالك اليوم يا صديقي العزيز؟", "أنا بخير والحمد لله."}},
      {"EthiopicFullStop",
       {"ሰላም ነው ወዳጄ እንዴት ነህ ዛሬ ጠዋት።", "ደህና ነኝ አመሰግናለሁ።"},
       {"ሰላም ነው ወዳጄ እንዴት ነህ ዛሬ ጠዋት።", "ደህና ነኝ አመሰግናለሁ።"}},
      {"ThousandsSeparatorWithoutAggressiveFlush",
       {"It costs 1,500 dollars in total, which is fine."},
       {"It costs 1,500 dollars in total, which is fine."}},
      {"ClosingQuoteStaysWithSentence",
       {"He said \"stop right there.", "\" Then he left the room."},
       {"He said \"stop right there.\"", "Then he left the room."}},
      {"ClosingBracketStaysWithSentence",
       {"Bring your ID (passport or license.) We check it at the door."},
       {"Bring your ID (passport or license.)", "We check it at the door."}},
      {"Initials",
       {"The book by J. K. Rowling is very popular."},
       {"The book by J. K. Rowling is very popular."}},
      {"SingleLetterBeforeStarterMergesAsShortCapitals",
       {"Choose option B. The other one is worse."},
       {"Choose option B. The other one is worse."}},
      {"LowercaseOnIsNotATitle",
       {"Please turn it on. Then wait a few seconds for it."},
       {"Please turn it on.", "Then wait a few seconds for it."}},
      {"LowercaseNoIsNotASuffix",
       {"The answer is no. We cannot do that today."},
       {"The answer is no.", "We cannot do that today."}},
      {"NextWordArrivesInPieces",
       {"I work for Acme Inc. Th", "e company makes rockets."},
       {"I work for Acme Inc.", "The company makes rockets."}},
      {"DoublePeriodBeforeCapital",
       {"Wait.. Let me check the calendar first please."},
       {"Wait.. Let me check the calendar first please."}},
      {"ThreeSentencesInOneDelta",
       {"First sentence is long enough. Second sentence is long enough. Third one."},
       {"First sentence is long enough.", "Second sentence is long enough.", "Third one."}},
      {"NewlineAfterPeriod",
       {"Here is the first line of text.\nAnd here is the second line."},
       {"Here is the first line of text.", "And here is the second line."}},
      {"TabAfterPeriod",
       {"This is the first sentence here.\tSecond sentence comes now."},
       {"This is the first sentence here.", "Second sentence comes now."}},
      {"EmptyDeltas",
       {"", "Hello there my friend.", "", " How are you?"},
       {"Hello there my friend.", "How are you?"}},
      {"OnlyWhitespace", {"   ", "\n"}, {}},
      {"NoTerminator",
       {"this text never ends with a terminator"},
       {"this text never ends with a terminator"}},
      {"NoSpaceAfterExclamation",
       {"Hello!World is a common test string for us."},
       {"Hello!World is a common test string for us."}},
      {"EmailAddress",
       {"Write to me at john.doe@example.com today please."},
       {"Write to me at john.doe@example.com today please."}},
      {"PeriodAfterDomainEnds",
       {"You can find it all on example.com. Then sign in."},
       {"You can find it all on example.com.", "Then sign in."}},
      {"TimeAbbreviationBeforeStarter",
       {"The meeting starts at 9 a.m. Then we have lunch together."},
       {"The meeting starts at 9 a.m.", "Then we have lunch together."}},
      {"VersusMidSentence",
       {"It is the Lakers vs. the Celtics tonight at eight."},
       {"It is the Lakers vs. the Celtics tonight at eight."}},
      {"AggressiveFirstClause",
       {"Thank you so much for calling our support line today, ", "how can I help you?"},
       {"Thank you so much for calling our support line today,", "how can I help you?"},
       Mode::kAggressive},
      {"AggressiveSkipsShortClause",
       {"Sure, I can help you with that right away, no problem."},
       {"Sure, I can help you with that right away,", "no problem."},
       Mode::kAggressive},
      {"AggressiveOnlyOnce",
       {"Thank you so much for calling our support line today, we are happy to help, and we will "
        "answer every question you have, okay."},
       {"Thank you so much for calling our support line today,",
        "we are happy to help, and we will answer every question you have, okay."},
       Mode::kAggressive},
      {"AggressiveEmDash",
       {"I checked every single one of your recent orders — all of them shipped."},
       {"I checked every single one of your recent orders —", "all of them shipped."},
       Mode::kAggressive},
      {"AggressiveBlockedByThousandsSeparator",
       {"The total amount on the invoice for this month is 1,", "250 dollars, as agreed."},
       {"The total amount on the invoice for this month is 1,250 dollars,", "as agreed."},
       Mode::kAggressive},
      {"AggressiveBlockedByCurrency",
       {"Your current balance on this account today is $1234, which is high."},
       {"Your current balance on this account today is $1234, which is high."},
       Mode::kAggressive},
      {"AggressiveBlockedByOpenBracket",
       {"Please send the documents (the signed contract, the invoice and the receipt) today."},
       {"Please send the documents (the signed contract, the invoice and the receipt) today."},
       Mode::kAggressive},
      {"AggressiveBlockedByOddQuotes",
       {"He told me \"we will definitely be there before noon, no matter what\" yesterday."},
       {"He told me \"we will definitely be there before noon, no matter what\" yesterday."},
       Mode::kAggressive},
      {"AggressiveBlockedByQuoteAfterComma",
       {"“The note on the door said to come back later and knock twice,” she said."},
       {"“The note on the door said to come back later and knock twice,” she said."},
       Mode::kAggressive},
      {"AggressiveBlockedByTrailingEllipsis",
       {"I was going through all of your previous orders and then… — anyway, here it is."},
       {"I was going through all of your previous orders and then… — anyway,", "here it is."},
       Mode::kAggressive},
      {"AggressiveDigitThenSpaceIsFine",
       {"We found 3 problems in the last report from 2024, and fixed them."},
       {"We found 3 problems in the last report from 2024,", "and fixed them."},
       Mode::kAggressive},
      {"AggressiveNotAfterFirstSentence",
       {"Hello there, this is your assistant. I have been looking at your recent account "
        "activity, and it looks fine."},
       {"Hello there, this is your assistant.",
        "I have been looking at your recent account activity, and it looks fine."},
       Mode::kAggressive},
      {"AggressiveDisabledForItalian",
       {"Grazie mille per aver chiamato il nostro servizio clienti oggi, come posso aiutarti?"},
       {"Grazie mille per aver chiamato il nostro servizio clienti oggi, come posso aiutarti?"},
       Mode::kAggressiveItalian},
      {"ItalianTitle",
       {"Buongiorno, sono il Dott. Rossi e la chiamo per l'appuntamento."},
       {"Buongiorno, sono il Dott. Rossi e la chiamo per l'appuntamento."},
       Mode::kAggressiveItalian},
  };
  return table;
}

class SentenceChunkerTable : public ::testing::TestWithParam<ChunkerCase> {};

TEST_P(SentenceChunkerTable, DeltasAsGiven) {
  const auto& param = GetParam();
  EXPECT_EQ(run(param.deltas, param.mode), param.expected);
}

TEST_P(SentenceChunkerTable, WholeTextInOneDelta) {
  const auto& param = GetParam();
  EXPECT_EQ(run({join(param.deltas)}, param.mode), param.expected);
}

TEST_P(SentenceChunkerTable, OneByteAtATime) {
  const auto& param = GetParam();
  const std::string text = join(param.deltas);
  std::vector<std::string> bytes;
  for (const char byte : text) bytes.emplace_back(1, byte);
  EXPECT_EQ(run(bytes, param.mode), param.expected);
}

TEST_P(SentenceChunkerTable, EveryTwoWaySplit) {
  const auto& param = GetParam();
  const std::string text = join(param.deltas);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    EXPECT_EQ(run({text.substr(0, cut), text.substr(cut)}, param.mode), param.expected)
        << "cut at byte " << cut;
  }
}

TEST_P(SentenceChunkerTable, RandomSplits) {
  const auto& param = GetParam();
  const std::string text = join(param.deltas);
  std::mt19937 random(20260421);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::string> deltas;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t length = std::uniform_int_distribution<std::size_t>(0, 7)(random);
      deltas.push_back(text.substr(pos, length));
      pos += length;
    }
    EXPECT_EQ(run(deltas, param.mode), param.expected) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SentenceChunkerTable, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<ChunkerCase>& case_info) {
                           return case_info.param.name;
                         });

TEST(SentenceChunkerTest, TableHasAtLeastSixtyCases) {
  EXPECT_GE(cases().size(), 60U);
}

TEST(SentenceChunkerTest, EveryTerminatorEndsASentence) {
  const std::vector<std::string> terminators = {".",  "!", "?", ";", "…", "。", "！", "？", "；",
                                                "．", "｡", "।", "॥", "؟", "؛",  "۔",  "؏",  "։",
                                                "፧",  "።", "។", "៕", "။", "༎",  "༏"};
  for (const auto& terminator : terminators) {
    const std::string first = "The first sentence is long enough" + terminator;
    const auto out = run({first + " Second part is here"}, Mode::kDefault);
    EXPECT_EQ(out, (std::vector<std::string>{first, "Second part is here"})) << terminator;
  }
}

TEST(SentenceChunkerTest, HoldsTheLastSentenceUntilTheNextCharacterArrives) {
  SentenceChunker chunker;
  EXPECT_TRUE(chunker.push("This is a complete sentence.").empty());
  EXPECT_EQ(chunker.push(" Next"), std::vector<std::string>{"This is a complete sentence."});
  EXPECT_EQ(chunker.flush(), "Next");
}

TEST(SentenceChunkerTest, FlushOnEmptyBufferReturnsNothing) {
  SentenceChunker chunker;
  EXPECT_EQ(chunker.flush(), std::nullopt);
  chunker.push("Some words");
  EXPECT_EQ(chunker.flush(), "Some words");
  EXPECT_EQ(chunker.flush(), std::nullopt);
}

TEST(SentenceChunkerTest, FlushStartsAFreshReplyWithAggressiveFlushAgain) {
  SentenceChunker chunker(options_for(Mode::kAggressive));
  const std::string clause = "Thank you so much for calling our support line today,";
  EXPECT_EQ(chunker.push(clause + " h"), std::vector<std::string>{clause});
  chunker.flush();
  EXPECT_EQ(chunker.push(clause + " h"), std::vector<std::string>{clause});
}

TEST(SentenceChunkerTest, ResetDropsBufferedText) {
  SentenceChunker chunker;
  chunker.push("Half a sentence");
  chunker.reset();
  EXPECT_EQ(chunker.push("Another sentence that is long. X"),
            std::vector<std::string>{"Another sentence that is long."});
}

TEST(SentenceChunkerTest, MinimumLengthIsConfigurable) {
  SentenceChunkerOptions options;
  options.min_sentence_len = 5;
  options.min_words_for_short_flush = 5;
  SentenceChunker chunker(options);
  EXPECT_EQ(chunker.push("Hi. Hello. Fine"), std::vector<std::string>{"Hi. Hello."});
}

TEST(SentenceChunkerTest, InvalidUtf8PassesThroughWithoutHanging) {
  const std::string text = "Bad byte \xFF here is a long sentence. Next";
  EXPECT_EQ(run({text}, Mode::kDefault),
            (std::vector<std::string>{"Bad byte \xFF here is a long sentence.", "Next"}));
}

}  // namespace
}  // namespace patter::session
