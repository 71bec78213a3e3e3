// include/patter/stt.hpp: the public factory.

#include <patter/stt.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

#include "providers/stt/deepgram_stt.hpp"

namespace patter::stt {
namespace {

TEST(SttFactories, DeepgramWithAKeyAndOptions) {
  DeepgramOptions options;
  options.api_key = "dg-public-key";
  options.model = "nova-2";
  options.language = "es";
  options.endpointing_ms = 300;
  options.keyterms = {"paella"};
  const auto provider = deepgram(options);
  EXPECT_EQ(provider->name(), "deepgram");
  EXPECT_EQ(provider->model(), "nova-2");
  EXPECT_EQ(provider->input_format(), kTelephonyMulaw);
  const auto& config = dynamic_cast<const providers::DeepgramStt&>(*provider).config();
  EXPECT_EQ(config.base_url, "wss://api.deepgram.com/v1/listen");
  EXPECT_EQ(config.language, "es");
  EXPECT_EQ(config.endpointing_ms, 300);
  EXPECT_EQ(config.keyterms, std::vector<std::string>{"paella"});
}

TEST(SttFactories, DeepgramProblemsAreInvalidArguments) {
  DeepgramOptions options;
  options.api_key = "dg-public-key";
  options.base_url = "ftp://example.com/listen";
  EXPECT_THROW((void)deepgram(options), std::invalid_argument);
  options.base_url.clear();
  options.utterance_end_ms = 300;
  try {
    (void)deepgram(options);
    FAIL() << "no error for utterance_end_ms 300";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("utterance_end_ms"), std::string::npos);
  }
}

}  // namespace
}  // namespace patter::stt
