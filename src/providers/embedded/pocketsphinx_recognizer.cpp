#include "providers/embedded/pocketsphinx_recognizer.hpp"

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/jsgf.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "audio/resampler.hpp"
#include "core/error.hpp"

namespace patter::providers {
namespace {

constexpr int kDecoderRate = 16000;
constexpr std::size_t kBlockSamples = 320;  // 20 ms at the decoder's rate
const std::filesystem::path kModelDir =
    std::filesystem::path(PATTER_POCKETSPHINX_MODEL_DIR) / "en-us";

void silence_library_logging() {
  static std::once_flag once;
  std::call_once(once, [] { err_set_logfp(nullptr); });
}

void require_file(const std::filesystem::path& path, const char* what) {
  if (!std::filesystem::exists(path)) {
    throw core::Error(core::Errc::config_invalid,
                      std::string("pocketsphinx ") + what + " not found: '" + path.string() + "'");
  }
}

struct DecoderDeleter {
  // Ending the utterance first lets the grammar search free its per-utterance lists, which
  // ps_free alone leaks; with no utterance open ps_end_utt just returns an error.
  void operator()(ps_decoder_t* decoder) const {
    ps_end_utt(decoder);
    ps_free(decoder);
  }
};
using DecoderPtr = std::unique_ptr<ps_decoder_t, DecoderDeleter>;

// Parses the grammar here rather than through ps_set_jsgf_string, which never frees the parsed
// JSGF in this pocketsphinx release.
void use_grammar(ps_decoder_t* decoder, const std::string& grammar) {
  const auto rejected = [&grammar] {
    return core::Error(core::Errc::config_invalid,
                       "pocketsphinx rejected the grammar (unknown word or bad JSGF): " + grammar);
  };
  std::unique_ptr<jsgf_t, decltype(&jsgf_grammar_free)> jsgf(
      jsgf_parse_string(grammar.c_str(), nullptr), &jsgf_grammar_free);
  jsgf_rule_t* rule = jsgf ? jsgf_get_public_rule(jsgf.get()) : nullptr;
  if (rule == nullptr) {
    throw rejected();
  }
  const auto language_weight =
      static_cast<float32>(cmd_ln_float32_r(ps_get_config(decoder), "-lw"));
  std::unique_ptr<fsg_model_t, decltype(&fsg_model_free)> fsg(
      jsgf_build_fsg(jsgf.get(), rule, ps_get_logmath(decoder), language_weight), &fsg_model_free);
  if (!fsg || ps_set_fsg(decoder, "grammar", fsg.get()) != 0 ||
      ps_set_search(decoder, "grammar") != 0) {
    throw rejected();
  }
}

DecoderPtr create_decoder(const RecognizerOptions& options, const std::string& grammar) {
  silence_library_logging();
  const std::string hmm = options.acoustic_model.string();
  const std::string dict = options.dictionary.string();
  const std::string lm = options.language_model.string();
  // Dither: telephone silence is often exact digital zero, whose log energy would throw the
  // cepstral mean and the decoder's voice detection far off for the next utterance. A fixed seed
  // keeps recognition reproducible.
  cmd_ln_t* config = grammar.empty()
                         ? cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-dict",
                                       dict.c_str(), "-lm", lm.c_str(), "-dither", "yes", "-seed",
                                       "1", nullptr)
                         : cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-dict",
                                       dict.c_str(), "-dither", "yes", "-seed", "1", nullptr);
  if (config == nullptr) {
    throw core::Error(core::Errc::internal, "pocketsphinx rejected its configuration");
  }
  DecoderPtr decoder(ps_init(config));
  cmd_ln_free_r(config);
  if (!decoder) {
    throw core::Error(core::Errc::unavailable,
                      "pocketsphinx could not load the model at '" + hmm + "'");
  }
  if (!grammar.empty()) {
    use_grammar(decoder.get(), grammar);
  }
  if (ps_start_utt(decoder.get()) != 0) {
    throw core::Error(core::Errc::internal, "pocketsphinx could not start an utterance");
  }
  return decoder;
}

}  // namespace

// The decoder and its streaming state; lives on the worker, reached only from worker tasks.
struct PocketsphinxRecognizer::Decoding {
  RecognizerOptions options;
  std::string grammar;
  RecognizerCallbacks callbacks;
  std::atomic<bool> closed{false};
  DecoderPtr decoder;
  bool failed = false;
  std::optional<audio::Resampler> resampler;
  std::vector<std::int16_t> pending;
  bool heard_speech = false;
  std::string last_partial;

  template <typename Callback, typename... Args>
  void notify(const Callback& callback, const Args&... args) const {
    if (!callback || closed.load()) {
      return;
    }
    try {
      callback(args...);
    } catch (...) {
      // A throwing callback must not take the worker down; recognition carries on.
    }
  }

  bool ready() {
    if (closed.load() || failed) {
      return false;
    }
    if (decoder) {
      return true;
    }
    try {
      decoder = create_decoder(options, grammar);
      if (options.input_sample_rate != kDecoderRate) {
        resampler.emplace(options.input_sample_rate, kDecoderRate);
      }
      return true;
    } catch (const std::exception& failure) {
      fail(failure.what());
      return false;
    }
  }

  void fail(const std::string& message) {
    failed = true;
    notify(callbacks.on_error, message);
  }

  std::optional<Transcript> hypothesis() {
    std::int32_t score = 0;
    const char* text = ps_get_hyp(decoder.get(), &score);
    if (text == nullptr || *text == '\0') {
      return std::nullopt;
    }
    return Transcript{text, 0.0};
  }

  // Buffers the audio into fixed blocks, so that where speech starts and ends (sampled after
  // each block) does not depend on how the caller split the stream.
  void decode(std::span<const std::int16_t> samples) {
    if (resampler) {
      samples = resampler->process(samples);
    }
    pending.insert(pending.end(), samples.begin(), samples.end());
    std::size_t offset = 0;
    while (pending.size() - offset >= kBlockSamples && !failed) {
      decode_block(std::span(pending).subspan(offset, kBlockSamples));
      offset += kBlockSamples;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(offset));
  }

  void decode_rest() {
    if (resampler) {
      const auto tail = resampler->flush();
      pending.insert(pending.end(), tail.begin(), tail.end());
    }
    if (!pending.empty()) {
      decode_block(pending);
      pending.clear();
    }
  }

  void decode_block(std::span<const std::int16_t> block) {
    if (ps_process_raw(decoder.get(), block.data(), block.size(), FALSE, FALSE) < 0) {
      fail("pocketsphinx failed to decode audio");
      return;
    }
    const bool in_speech = ps_get_in_speech(decoder.get()) != 0;
    if (in_speech) {
      heard_speech = true;
      report_partial();
    } else if (heard_speech) {
      end_utterance(true);
    }
  }

  void report_partial() {
    auto partial = hypothesis();
    if (!partial || partial->text == last_partial) {
      return;
    }
    last_partial = partial->text;
    notify(callbacks.on_partial, *partial);
  }

  void end_utterance(bool report) {
    ps_end_utt(decoder.get());
    if (report && heard_speech) {
      if (auto result = hypothesis()) {
        const double probability =
            logmath_exp(ps_get_logmath(decoder.get()), ps_get_prob(decoder.get()));
        result->confidence = std::clamp(probability, 0.0, 1.0);
        notify(callbacks.on_final, *result);
      } else if (!last_partial.empty()) {
        // A grammar search that never reached the end of a phrase has no final hypothesis; the
        // words it did follow are still what the caller said, and better than silence.
        notify(callbacks.on_final, Transcript{last_partial, 0.0});
      }
    }
    heard_speech = false;
    last_partial.clear();
    if (ps_start_utt(decoder.get()) != 0) {
      fail("pocketsphinx could not start an utterance");
    }
  }
};

std::string PocketsphinxRecognizer::grammar_for(const std::vector<std::string>& phrases) {
  if (phrases.empty()) {
    throw core::Error(core::Errc::config_invalid,
                      "a pocketsphinx grammar needs at least one phrase");
  }
  std::string alternatives;
  for (const auto& phrase : phrases) {
    const bool valid =
        std::any_of(phrase.begin(), phrase.end(), [](char c) { return c >= 'a' && c <= 'z'; }) &&
        std::all_of(phrase.begin(), phrase.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == ' ';
        });
    if (!valid) {
      throw core::Error(core::Errc::config_invalid,
                        "pocketsphinx phrase '" + phrase +
                            "' must be lower-case words (a-z, digits, apostrophes)");
    }
    alternatives += (alternatives.empty() ? "" : " | ") + phrase;
  }
  return "#JSGF V1.0;\ngrammar patter;\npublic <phrase> = " + alternatives + ";\n";
}

PocketsphinxRecognizer::PocketsphinxRecognizer(std::shared_ptr<SerialWorker> worker,
                                               RecognizerOptions options,
                                               RecognizerCallbacks callbacks)
    : worker_(std::move(worker)), decoding_(std::make_shared<Decoding>()) {
  if (!worker_) {
    throw core::Error(core::Errc::config_invalid, "a pocketsphinx recognizer needs a worker");
  }
  if (options.acoustic_model.empty()) {
    options.acoustic_model = kModelDir / "en-us";
  }
  if (options.dictionary.empty()) {
    options.dictionary = kModelDir / "cmudict-en-us.dict";
  }
  if (options.language_model.empty()) {
    options.language_model = kModelDir / "en-us.lm.bin";
  }
  require_file(options.acoustic_model / "mdef", "acoustic model");
  require_file(options.dictionary, "dictionary");
  if (options.input_sample_rate < audio::Resampler::kMinRate ||
      options.input_sample_rate > audio::Resampler::kMaxRate) {
    throw core::Error(core::Errc::config_invalid,
                      "pocketsphinx input rate must be 8000..48000 Hz, got " +
                          std::to_string(options.input_sample_rate));
  }
  if (!options.jsgf.empty()) {
    decoding_->grammar = options.jsgf;
  } else if (!options.phrases.empty()) {
    decoding_->grammar = grammar_for(options.phrases);
  } else {
    require_file(options.language_model, "language model");
  }
  decoding_->options = std::move(options);
  decoding_->callbacks = std::move(callbacks);
  worker_->post([decoding = decoding_] { decoding->ready(); });
}

PocketsphinxRecognizer::~PocketsphinxRecognizer() {
  decoding_->closed.store(true);
  try {
    // The decoder is freed on the worker after any queued task, not on this thread.
    worker_->post([decoding = std::move(decoding_)] {});
  } catch (const core::Error&) {
    decoding_.reset();
  }
}

void PocketsphinxRecognizer::feed(std::span<const std::int16_t> samples) {
  worker_->post(
      [decoding = decoding_, audio = std::vector<std::int16_t>(samples.begin(), samples.end())] {
        if (decoding->ready()) {
          decoding->decode(audio);
        }
      });
}

void PocketsphinxRecognizer::finalize(std::function<void()> on_finalized) {
  worker_->post([decoding = decoding_, on_finalized = std::move(on_finalized)] {
    if (decoding->ready()) {
      decoding->decode_rest();
      if (!decoding->failed) {
        decoding->end_utterance(true);
      }
    }
    decoding->notify(on_finalized);
  });
}

void PocketsphinxRecognizer::reset() {
  worker_->post([decoding = decoding_] {
    if (decoding->ready()) {
      if (decoding->resampler) {
        decoding->resampler->reset();
      }
      decoding->pending.clear();
      decoding->end_utterance(false);
    }
  });
}

}  // namespace patter::providers
