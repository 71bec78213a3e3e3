#include "turn/silero_vad.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "turn/silero_kernels.hpp"

namespace patter::turn {
namespace {

namespace limits = silero_limits;

struct alignas(64) Scratch {
  std::array<float, limits::kMaxInputSamples> input;
  std::array<float, limits::kMaxStftValues> stft;
  std::array<float, limits::kMaxActivationValues> activations_a;
  std::array<float, limits::kMaxActivationValues> activations_b;
  std::array<float, limits::kMaxLstmInputs> lstm_input;
  std::array<float, 4 * limits::kMaxHidden> gates;
};

// Runs one Conv1d + ReLU. `input` holds `frames` rows of conv.inputs channels preceded and followed
// by conv.padding zero rows; the result goes to `output` after `output_padding` zero rows, which
// are written too (with as many after it). Returns the number of output frames.
int conv_relu(const ConvLayer& conv, const float* input, int frames, float* output,
              int output_padding) {
  const int out_frames = (frames + 2 * conv.padding - conv.kernel) / conv.stride + 1;
  // Taps that read only padding for every output frame are skipped: with one output frame most of
  // a kernel-3 window is padding.
  const int first_tap = std::max(0, conv.padding - (out_frames - 1) * conv.stride);
  const int last_tap = std::min(conv.kernel - 1, frames - 1 + conv.padding);
  const int columns = conv.outputs;
  std::fill_n(output, output_padding * columns, 0.0F);
  std::fill_n(output + (output_padding + out_frames) * columns, output_padding * columns, 0.0F);
  const kernels::PackedWeights taps{conv.weights.data(), conv.kernel * conv.inputs,
                                    first_tap * conv.inputs,
                                    (last_tap - first_tap + 1) * conv.inputs, conv.outputs};
  kernels::dense_frames(taps, conv.bias.data(), input + first_tap * conv.inputs,
                        conv.stride * conv.inputs, out_frames, output + output_padding * columns,
                        columns, true);
  return out_frames;
}

// Input: the previous context, the new window, then the reflection of its end. Updates the
// context for the next window.
void assemble_input(const SileroBranch& net, std::span<const float> window, SileroState& state,
                    float* input) {
  const int length = net.input_samples();
  std::copy_n(state.context.data(), net.context_samples, input);
  std::copy(window.begin(), window.end(), input + net.context_samples);
  for (int j = 0; j < net.reflect_padding; ++j) input[length + j] = input[length - 2 - j];
  std::copy_n(input + length - net.context_samples, net.context_samples, state.context.data());
}

// STFT as a strided convolution with the model's basis, then the magnitude of each bin, written
// as frames x bins between `padding` zero rows on either side (the first conv's padding).
void stft_magnitude(const SileroBranch& net, const float* input, float* spectrum, int padding,
                    float* magnitude) {
  const int bins = net.frequency_bins;
  const int stride = kernels::padded_outputs(2 * bins);
  const kernels::PackedWeights basis{net.stft_basis.data(), net.filter_length, 0, net.filter_length,
                                     2 * bins};
  kernels::dense_frames(basis, nullptr, input, net.hop_length, net.stft_frames, spectrum, stride,
                        false);
  std::fill_n(magnitude, padding * bins, 0.0F);
  for (int t = 0; t < net.stft_frames; ++t) {
    const float* real = spectrum + t * stride;
    const float* imaginary = real + bins;
    float* row = magnitude + (padding + t) * bins;
    for (int b = 0; b < bins; ++b) {
      row[b] = std::sqrt(real[b] * real[b] + imaginary[b] * imaginary[b]);
    }
  }
  std::fill_n(magnitude + (padding + net.stft_frames) * bins, padding * bins, 0.0F);
}

// One LSTM cell step on `features`, updating h and c in `state`.
void lstm_step(const SileroBranch& net, const float* features, SileroState& state,
               Scratch& scratch) {
  const int feature_count = net.encoder.back().outputs;
  const int hidden = net.lstm_hidden;
  float* stacked_input = scratch.lstm_input.data();
  std::copy_n(features, feature_count, stacked_input);
  std::copy_n(state.h.data(), hidden, stacked_input + feature_count);
  float* gates = scratch.gates.data();
  const kernels::PackedWeights weights{net.lstm_weights.data(), feature_count + hidden, 0,
                                       feature_count + hidden, 4 * hidden};
  kernels::dense_frames(weights, net.lstm_bias.data(), stacked_input, 0, 1, gates, 0, false);
  float* input_gate = gates;
  float* forget_gate = gates + hidden;
  float* cell_gate = gates + 2 * hidden;
  float* output_gate = gates + 3 * hidden;
  kernels::sigmoid(input_gate, 2 * hidden);  // input and forget gates
  kernels::tanh(cell_gate, hidden);
  kernels::sigmoid(output_gate, hidden);
  float* cell = state.c.data();
  float* cell_activation = scratch.lstm_input.data();
  for (int i = 0; i < hidden; ++i) {
    cell[i] = forget_gate[i] * cell[i] + input_gate[i] * cell_gate[i];
    cell_activation[i] = cell[i];
  }
  kernels::tanh(cell_activation, hidden);
  for (int i = 0; i < hidden; ++i) state.h[i] = output_gate[i] * cell_activation[i];
}

// Decoder: ReLU, 1x1 convolution to one channel, sigmoid.
float decode(const SileroBranch& net, const SileroState& state) {
  float logit = net.decoder_bias;
  for (int i = 0; i < net.lstm_hidden; ++i) {
    logit += net.decoder_weights[i] * std::max(state.h[i], 0.0F);
  }
  kernels::sigmoid(&logit, 1);
  return logit;
}

}  // namespace

SileroVad::SileroVad(std::shared_ptr<const SileroModel> model, SampleRate rate,
                     bool skip_digital_silence)
    : model_(std::move(model)), skip_digital_silence_(skip_digital_silence) {
  if (!model_) throw std::invalid_argument("SileroVad needs a loaded model");
  branch_ = &model_->branch(rate);
}

float SileroVad::speech_probability(std::span<const float> window) {
  if (window.size() != static_cast<std::size_t>(branch_->window_samples)) {
    throw std::invalid_argument("Silero window must be " + std::to_string(branch_->window_samples) +
                                " samples, got " + std::to_string(window.size()));
  }
  if (!skip_digital_silence_) return infer(window);
  if (!digital_silence(window)) {
    if (std::exchange(skipping_, false)) state_.reset();
    silent_windows_ = 0;
    return infer(window);
  }
  if (skipping_) {
    ++windows_skipped_;
    return last_probability_;
  }
  last_probability_ = infer(window);
  ++silent_windows_;
  skipping_ = silent_windows_ >= kSilentWindowsToSkip && last_probability_ <= kSkipBelowProbability;
  return last_probability_;
}

bool SileroVad::digital_silence(std::span<const float> window) const {
  const auto zero = [](float sample) { return sample == 0.0F; };
  const auto context =
      std::span<const float>(state_.context).first(static_cast<std::size_t>(branch_->context_samples));
  return std::all_of(window.begin(), window.end(), zero) &&
         std::all_of(context.begin(), context.end(), zero);
}

float SileroVad::infer(std::span<const float> window) {
  const SileroBranch& net = *branch_;
  Scratch scratch;  // left uninitialised: every value read is written first
  assemble_input(net, window, state_, scratch.input.data());
  float* layer_input = scratch.activations_a.data();
  float* layer_output = scratch.activations_b.data();
  stft_magnitude(net, scratch.input.data(), scratch.stft.data(), net.encoder[0].padding,
                 layer_input);
  int frames = net.stft_frames;
  for (std::size_t layer = 0; layer < net.encoder.size(); ++layer) {
    const int next_padding = layer + 1 < net.encoder.size() ? net.encoder[layer + 1].padding : 0;
    frames = conv_relu(net.encoder[layer], layer_input, frames, layer_output, next_padding);
    std::swap(layer_input, layer_output);
  }
  lstm_step(net, layer_input, state_, scratch);
  return decode(net, state_);
}

}  // namespace patter::turn
