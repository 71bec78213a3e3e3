#include "load_run.hpp"

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include "fake_providers.hpp"
#include "server_http.hpp"
#include "server_process.hpp"
#include "session/latency_histogram.hpp"
#include "twilio_caller.hpp"

namespace patter::load {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::size_t kMaxReportedErrors = 20;
constexpr std::string_view kStageNames[] = {"stt_final_to_llm_request", "sentence_to_tts_request",
                                            "tts_audio_to_carrier"};

std::string random_token() {
  std::random_device device;
  std::mt19937_64 generator(device());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) token += kHex[generator() % 16];
  return token;
}

std::string loadavg() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double process_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& value) {
    return static_cast<double>(value.tv_sec) + static_cast<double>(value.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

Spread spread_of(const session::HistogramSnapshot& snapshot) {
  return Spread{snapshot.count, snapshot.quantile_ms(0.50), snapshot.quantile_ms(0.95),
                snapshot.quantile_ms(0.99), static_cast<double>(snapshot.max_us) / 1000.0};
}

// The stage histograms of the server's /metrics, rebuilt from their buckets.
std::map<std::string, session::HistogramSnapshot> scrape_stages(std::uint16_t port, const std::string& token) {
  const auto answer = http_get(port, "/metrics", token, 5s);
  if (answer.status != 200) throw std::runtime_error("/metrics answered " + std::to_string(answer.status));
  std::map<std::string, session::HistogramSnapshot> out;
  const auto stages = json::parse(answer.body).as_object().at("stages").as_object();
  for (const auto& [name, value] : stages) {
    const auto& stage = value.as_object();
    session::HistogramSnapshot snapshot;
    snapshot.buckets.assign(session::LatencyHistogram::kBucketCount, 0);
    for (const auto& bucket : stage.at("buckets").as_array()) {
      const auto& pair = bucket.as_array();
      const auto end = pair.at(0).to_number<std::uint64_t>();
      const auto count = pair.at(1).to_number<std::uint64_t>();
      snapshot.buckets[session::LatencyHistogram::bucket_of(end - 1)] += count;
      snapshot.count += count;
    }
    snapshot.sum_us = static_cast<std::uint64_t>(stage.at("mean_ms").to_number<double>() * 1000.0 *
                                                  static_cast<double>(snapshot.count));
    snapshot.max_us = static_cast<std::uint64_t>(stage.at("max_ms").to_number<double>() * 1000.0);
    out[std::string(name)] = std::move(snapshot);
  }
  return out;
}

std::vector<std::string> lines_of(const json::object& record, std::string_view role) {
  std::vector<std::string> lines;
  const auto* transcript = record.if_contains("transcript");
  if (transcript == nullptr || !transcript->is_array()) return lines;
  for (const auto& entry : transcript->as_array()) {
    const auto& line = entry.as_object();
    if (line.at("role").as_string() == role) lines.emplace_back(line.at("text").as_string());
  }
  return lines;
}

// The stored record of a completed call, once the store has written its end; nullopt if it
// never did within the limit.
std::optional<json::object> finished_record(std::uint16_t port, const std::string& token,
                                            const std::string& call_sid, Clock::time_point give_up) {
  while (true) {
    const auto answer = http_get(port, "/api/dashboard/calls/" + call_sid, token, 5s);
    if (answer.status == 200) {
      auto record = json::parse(answer.body).as_object();
      const auto* ended = record.if_contains("ended_at");
      if (ended != nullptr && !ended->is_null()) return record;
    }
    if (Clock::now() >= give_up) return std::nullopt;
    std::this_thread::sleep_for(100ms);
  }
}

// Each completed call's stored transcript must hold, in order, the greeting, then per turn what
// the caller said (as the fake Deepgram heard it) and the model's reply.
std::string transcript_problem(const json::object& record, const CallerResult& call) {
  const auto user = lines_of(record, "user");
  const auto assistant = lines_of(record, "assistant");
  if (user != call.said) {
    const auto quoted = [](const std::vector<std::string>& lines) {
      std::string out;
      for (const auto& line : lines) out += (out.empty() ? "\"" : ", \"") + line + "\"";
      return out;
    };
    return "the stored user lines differ from what the caller said (stored " + quoted(user) +
           "; said " + quoted(call.said) + ")";
  }
  if (assistant.empty() || assistant.front() != kGreeting) return "the greeting is missing from the transcript";
  if (assistant.size() != call.said.size() + 1) {
    return "expected " + std::to_string(call.said.size() + 1) + " agent lines, found " +
           std::to_string(assistant.size());
  }
  for (std::size_t i = 1; i < assistant.size(); ++i) {
    if (assistant[i] != FakeProviders::reply_text()) return "agent line " + std::to_string(i) + " is \"" + assistant[i] + "\"";
  }
  return {};
}

// Callers on a few event-loop threads, with their results.
class CallerPool {
 public:
  explicit CallerPool(std::size_t threads) : contexts_(std::max<std::size_t>(1, threads)) {
    for (auto& context : contexts_) {
      guards_.emplace_back(asio::make_work_guard(context));
      threads_.emplace_back([&context] { context.run(); });
    }
  }
  ~CallerPool() { stop(); }
  CallerPool(const CallerPool&) = delete;
  CallerPool& operator=(const CallerPool&) = delete;

  void launch(CallerPlan plan) {
    auto caller = std::make_shared<TwilioCaller>(std::move(plan));
    auto& context = contexts_[launched_++ % contexts_.size()];
    asio::co_spawn(context, caller->run(), [this, caller](const std::exception_ptr& failure, CallerResult result) {
      if (failure) result.errors.emplace_back("the caller failed unexpectedly");
      {
        const std::lock_guard lock(mutex_);
        results_.push_back(std::move(result));
      }
      finished_.notify_all();
    });
  }
  // True when every launched caller finished before `deadline`.
  bool wait(Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return finished_.wait_until(lock, deadline, [this] { return results_.size() == launched_; });
  }
  void stop() {
    for (auto& context : contexts_) context.stop();
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  std::vector<CallerResult> results() {
    const std::lock_guard lock(mutex_);
    return results_;
  }

 private:
  std::vector<asio::io_context> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::size_t launched_ = 0;
  std::mutex mutex_;
  std::condition_variable finished_;
  std::vector<CallerResult> results_;
};

void add_error(LoadReport& report, std::string message) {
  if (report.errors.size() < kMaxReportedErrors) report.errors.push_back(std::move(message));
}

}  // namespace

LoadReport run_load_point(const LoadOptions& options) {
  if (options.calls == 0) throw std::runtime_error("the load needs at least one call");
  // Callers, their server sockets, and two provider connections per call on each side.
  raise_open_file_limit(options.calls * 8 + 512);
  std::filesystem::create_directories(options.work_dir);
  for (const char* file : {"calls.db", "calls.db-wal", "calls.db-shm"}) std::filesystem::remove(options.work_dir / file);

  LoadReport report;
  report.calls = options.calls;
  report.hold_seconds = std::chrono::duration<double>(options.hold).count();
  report.server_threads = options.server_threads;
  report.loadavg_before = loadavg();

  FakeProviders fakes(options);
  std::vector<Utterance> utterances;
  for (std::size_t key = 0; key < fakes.deepgram().options().vocabulary.size(); ++key) {
    const auto words = fakes.words_for(key, 0);
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
    utterances.push_back(Utterance{text, fakes.speech(words)});
  }

  const std::uint16_t port = free_loopback_port();
  const std::string auth_token = random_token();
  const std::string dashboard_token = random_token();
  const auto config_path = options.work_dir / "serve.yaml";
  {
    std::ofstream config(config_path);
    config << fakes.serve_yaml(port, options, auth_token, dashboard_token);
  }
  ServerProcess server(options.patter, config_path, options.work_dir / "server.log");
  server.wait_until_healthy(port, 30s);
  const std::string metrics_token = options.dashboard ? dashboard_token : std::string{};
  const auto idle = server.sample();
  report.rss_idle_mib = static_cast<double>(idle.rss_kib) / 1024.0;

  const auto start = Clock::now() + 200ms;
  const auto hold_start = start + options.ramp + options.settle;
  const auto hold_end = hold_start + options.hold;
  LoadStats stats(hold_start, hold_end);
  CallerPool pool(options.caller_threads);
  for (std::size_t i = 0; i < options.calls; ++i) {
    CallerPlan plan;
    plan.index = i;
    plan.port = port;
    plan.auth_token = auth_token;
    plan.utterances = &utterances;
    plan.dial_at = start + options.ramp * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(options.calls);
    plan.hang_up_after = hold_end;
    plan.quiet = options.quiet;
    plan.reply_timeout = options.reply_timeout;
    plan.lead = options.lead;
    plan.stats = &stats;
    pool.launch(std::move(plan));
  }

  std::this_thread::sleep_until(hold_start);
  const auto window_start = server.sample();
  const double harness_start = process_cpu_seconds();
  const auto stages_start = scrape_stages(port, metrics_token);
  std::uint64_t hold_rss_kib = window_start.rss_kib;
  while (Clock::now() < hold_end && server.running()) {
    std::this_thread::sleep_for(std::min<Clock::duration>(500ms, hold_end - Clock::now()));
    hold_rss_kib = std::max(hold_rss_kib, server.sample().rss_kib);
  }
  if (!server.running()) throw std::runtime_error("the server died under load; its log ends with:\n" + server.log_tail());
  const auto window_end = server.sample();
  const double harness_end = process_cpu_seconds();
  const auto stages_end = scrape_stages(port, metrics_token);
  report.loadavg_after = loadavg();

  if (!pool.wait(hold_end + 2 * options.reply_timeout + 10s)) add_error(report, "some callers did not finish in time");
  pool.stop();
  const auto results = pool.results();

  const double window_seconds = std::chrono::duration<double>(window_end.at - window_start.at).count();
  for (const auto& call : results) {
    if (call.connected) ++report.calls_connected;
    if (call.connected_at && *call.connected_at <= hold_start && call.ended_at && *call.ended_at >= hold_end) {
      ++report.calls_held;
    }
    if (call.hung_up && call.errors.empty()) ++report.calls_completed;
    report.turns += call.said.size();
    for (const auto& message : call.errors) add_error(report, call.call_sid + ": " + message);
  }
  report.server_cpu_percent = 100.0 * (window_end.cpu_seconds - window_start.cpu_seconds) / window_seconds;
  report.harness_cpu_percent = 100.0 * (harness_end - harness_start) / window_seconds;
  report.rss_hold_mib = static_cast<double>(hold_rss_kib) / 1024.0;
  if (report.calls_held > 0) {
    const auto held = static_cast<double>(report.calls_held);
    report.cpu_percent_per_call = report.server_cpu_percent / held;
    report.rss_per_call_mib = std::max(0.0, report.rss_hold_mib - report.rss_idle_mib) / held;
  }
  report.frames = stats.frames();
  report.late_frames = stats.late_frames();
  report.pacing_delay = spread_of(stats.pacing_delay());
  report.response_latency = spread_of(stats.response_latency());
  for (const auto name : kStageNames) {
    const auto after = stages_end.find(std::string(name));
    if (after == stages_end.end()) continue;
    const auto before = stages_start.find(std::string(name));
    const auto window = before == stages_start.end() ? after->second : after->second.since(before->second);
    report.stages.push_back(StageFigures{std::string(name), spread_of(window)});
  }

  if (options.verify_transcripts && options.dashboard) {
    const auto give_up = Clock::now() + 20s;
    for (const auto& call : results) {
      if (!call.hung_up || !call.errors.empty()) continue;
      ++report.transcripts_checked;
      const auto record = finished_record(port, dashboard_token, call.call_sid, give_up);
      const std::string problem = record ? transcript_problem(*record, call) : "no finished call record";
      if (!problem.empty()) {
        ++report.transcript_mismatches;
        add_error(report, call.call_sid + ": " + problem);
      }
    }
  }
  if (const int status = server.stop(); status != 0) add_error(report, "the server exited with status " + std::to_string(status));
  return report;
}

}  // namespace patter::load
