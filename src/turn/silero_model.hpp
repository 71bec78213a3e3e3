#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <vector>

#include "turn/onnx_reader.hpp"

namespace patter::turn {

// Thrown when a model file is missing, unreadable, corrupt, or not the Silero VAD v5 network.
using ModelError = onnx::ModelFormatError;

enum class SampleRate { k8000 = 8000, k16000 = 16000 };

// Sizes the inference code reserves on the stack and in SileroState; a model that needs more is
// rejected at load time, so inference itself never fails or allocates.
namespace silero_limits {
inline constexpr int kMaxInputSamples = 1024;  // context + window + reflection padding
inline constexpr int kMaxContextSamples = 64;
inline constexpr int kMaxStftValues = 4 * 320;     // frames x padded (real + imaginary) bins
inline constexpr int kMaxActivationValues = 1024;  // (frames + padding rows) x channels
inline constexpr int kMaxHidden = 128;
inline constexpr int kMaxLstmInputs = 256;
}  // namespace silero_limits

// A Conv1d layer with zero padding; weights packed (see silero_kernels.hpp) with input index
// tap * inputs + input channel.
struct ConvLayer {
  int inputs = 0;
  int outputs = 0;
  int kernel = 0;
  int stride = 1;
  int padding = 0;
  std::vector<float> weights;
  std::vector<float> bias;
};

// Weights of one sample-rate branch of the network, re-packed for the kernels (see
// silero_kernels.hpp); biases are padded like the outputs.
struct SileroBranch {
  int sample_rate = 0;
  int window_samples = 0;         // new samples per call: 512 at 16 kHz, 256 at 8 kHz
  int context_samples = 0;        // samples carried over from the previous window: 64 / 32
  int filter_length = 0;          // STFT window: 256 / 128
  int hop_length = 0;             // 128 / 64
  int reflect_padding = 0;        // samples reflected past the end of the input: 64 / 32
  int frequency_bins = 0;         // filter_length / 2 + 1
  int stft_frames = 0;            // 4 for both rates
  std::vector<float> stft_basis;  // outputs: real bins then imaginary bins; inputs: samples
  std::array<ConvLayer, 4> encoder;
  int lstm_hidden = 0;
  std::vector<float> lstm_weights;  // outputs: gates i, f, g, o; inputs: features then hidden
  std::vector<float> lstm_bias;     // bias_ih + bias_hh
  std::vector<float> decoder_weights;
  float decoder_bias = 0.0F;

  [[nodiscard]] int input_samples() const { return context_samples + window_samples; }
};

// The Silero VAD v5 weights for both sample rates. Immutable once loaded, so one instance is
// shared by every call (std::shared_ptr<const SileroModel>); per-call state lives in SileroState.
class SileroModel {
 public:
  static std::shared_ptr<const SileroModel> load(const std::filesystem::path& onnx_file);
  static std::shared_ptr<const SileroModel> from_onnx(const onnx::Model& model);

  [[nodiscard]] const SileroBranch& branch(SampleRate rate) const {
    return rate == SampleRate::k16000 ? branch_16k_ : branch_8k_;
  }

 private:
  SileroModel(SileroBranch branch_16k, SileroBranch branch_8k)
      : branch_16k_(std::move(branch_16k)), branch_8k_(std::move(branch_8k)) {}

  SileroBranch branch_16k_;
  SileroBranch branch_8k_;
};

}  // namespace patter::turn
