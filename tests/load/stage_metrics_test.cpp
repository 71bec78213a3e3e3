#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "net/http_server.hpp"
#include "net/io_pool.hpp"
#include "net/router.hpp"
#include "server/metrics_routes.hpp"
#include "server_http.hpp"
#include "session/latency_histogram.hpp"
#include "session/stage_latency.hpp"

namespace patter {
namespace {

using namespace std::chrono_literals;
using session::LatencyHistogram;

TEST(LatencyHistogram, BucketsAreExactBelowSixteenMicrosAndWithinOneSixteenthAbove) {
  for (std::uint64_t micros : {0ULL, 1ULL, 15ULL}) {
    EXPECT_EQ(LatencyHistogram::bucket_end(LatencyHistogram::bucket_of(micros)), micros + 1);
  }
  for (std::uint64_t micros : {16ULL, 17ULL, 999ULL, 1000ULL, 1234567ULL, 60'000'000ULL}) {
    const auto bucket = LatencyHistogram::bucket_of(micros);
    const auto end = LatencyHistogram::bucket_end(bucket);
    EXPECT_GT(end, micros);
    EXPECT_LE(static_cast<double>(end - micros), static_cast<double>(micros) / 16.0 + 1.0) << micros;
    EXPECT_LE(bucket > 0 ? LatencyHistogram::bucket_end(bucket - 1) : 0, micros) << micros;
  }
}

TEST(LatencyHistogram, QuantilesComeFromTheBucketsAndNeverExceedTheMaximum) {
  LatencyHistogram histogram;
  for (int i = 1; i <= 100; ++i) histogram.record(std::chrono::microseconds(i * 100));  // 0.1 .. 10 ms
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.count, 100u);
  EXPECT_EQ(snapshot.max_us, 10000u);
  EXPECT_NEAR(snapshot.quantile_ms(0.5), 5.0, 5.0 / 16);
  EXPECT_NEAR(snapshot.quantile_ms(0.99), 9.9, 9.9 / 16);
  EXPECT_DOUBLE_EQ(snapshot.quantile_ms(1.0), 10.0);
  EXPECT_NEAR(snapshot.mean_ms(), 5.05, 0.001);
}

TEST(LatencyHistogram, ASnapshotMinusAnEarlierOneHoldsOnlyWhatCameBetween) {
  LatencyHistogram histogram;
  histogram.record(50ms);
  const auto before = histogram.snapshot();
  histogram.record(2ms);
  histogram.record(3ms);
  const auto window = histogram.snapshot().since(before);
  EXPECT_EQ(window.count, 2u);
  EXPECT_NEAR(window.max_us, 3000.0, 3000.0 / 16);
  EXPECT_LT(window.quantile_ms(1.0), 50.0);
}

TEST(StageLatencies, ATurnRecordsEachStageWhoseTwoStampsItHas) {
  session::StageLatencies latencies;
  session::TurnStamps stamps;
  const core::TimePoint t0{std::chrono::seconds(100)};
  stamps.stt_final = t0;
  stamps.llm_request_written = t0 + 300us;
  stamps.first_sentence = t0 + 500ms;
  stamps.tts_first_byte = t0 + 700ms;
  stamps.first_frame_sent = t0 + 700ms + 40us;
  latencies.record_turn(stamps);
  using session::Stage;
  EXPECT_EQ(latencies.snapshot(Stage::stt_final_to_llm_request).count, 1u);
  EXPECT_EQ(latencies.snapshot(Stage::stt_final_to_llm_request).max_us, 300u);
  EXPECT_EQ(latencies.snapshot(Stage::sentence_to_tts_request).count, 0u);  // no TTS request stamp
  EXPECT_EQ(latencies.snapshot(Stage::tts_audio_to_carrier).max_us, 40u);
}

// The route answers with every stage's figures and buckets, and wants the token when one is set.
TEST(MetricsRouteTest, ServesTheStagesAndWantsTheTokenWhenOneIsSet) {
  session::StageLatencies::process().record(session::Stage::tts_audio_to_carrier, 250us);
  net::Router router;
  server::add_metrics_routes(router, "metrics-secret");
  net::IoPool pool(1);
  net::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  net::HttpServer http(pool, router, options);
  http.start();
  pool.start();

  EXPECT_EQ(load::http_get(http.port(), "/metrics", {}, 5s).status, 401);
  EXPECT_EQ(load::http_get(http.port(), "/metrics", "wrong", 5s).status, 401);
  const auto answer = load::http_get(http.port(), "/metrics", "metrics-secret", 5s);
  ASSERT_EQ(answer.status, 200);
  const auto stages = boost::json::parse(answer.body).as_object().at("stages").as_object();
  for (const char* name : {"stt_final_to_llm_request", "sentence_to_tts_request", "tts_audio_to_carrier"}) {
    ASSERT_TRUE(stages.contains(name)) << name;
    for (const char* key : {"count", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms", "buckets"}) {
      EXPECT_TRUE(stages.at(name).as_object().contains(key)) << name << "." << key;
    }
  }
  const auto& carrier = stages.at("tts_audio_to_carrier").as_object();
  EXPECT_GE(carrier.at("count").to_number<std::uint64_t>(), 1u);
  EXPECT_FALSE(carrier.at("buckets").as_array().empty());

  http.stop(1s);
  pool.stop();
  pool.join();
}

}  // namespace
}  // namespace patter
