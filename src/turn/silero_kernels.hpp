#pragma once

#include <vector>

// Numeric kernels of the Silero network. A weight matrix is stored in panels of kOutputBlock
// outputs, each panel input-major ([panel][input][kOutputBlock]): the innermost loops run over
// contiguous outputs and vectorise without reassociating sums (so results do not depend on
// timing or threads), and each panel is read as one sequential stream.
namespace patter::turn::kernels {

inline constexpr int kOutputBlock = 16;
inline constexpr int kMaxFrames = 4;

[[nodiscard]] constexpr int padded_outputs(int outputs) {
  return (outputs + kOutputBlock - 1) / kOutputBlock * kOutputBlock;
}

// Packs weight(output, input) for outputs x inputs into the panel layout, padding with zeros.
template <typename WeightOf>
std::vector<float> pack_weights(int outputs, int inputs, WeightOf weight) {
  std::vector<float> packed(static_cast<std::size_t>(padded_outputs(outputs)) * inputs, 0.0F);
  for (int o = 0; o < outputs; ++o) {
    float* panel =
        packed.data() + static_cast<std::size_t>(o / kOutputBlock) * inputs * kOutputBlock;
    for (int j = 0; j < inputs; ++j) {
      panel[static_cast<std::size_t>(j) * kOutputBlock + o % kOutputBlock] = weight(o, j);
    }
  }
  return packed;
}

// A matrix packed by pack_weights, restricted to the inputs [first_input, first_input + inputs).
struct PackedWeights {
  const float* packed = nullptr;
  int total_inputs = 0;  // inputs of the whole packed matrix
  int first_input = 0;
  int inputs = 0;
  int outputs = 0;
};

// For each frame t < frames (at most kMaxFrames) and o < padded_outputs(outputs):
//   y[t * y_stride + o] = bias[o] + sum_{j < inputs} W(o, first_input + j) * x[t * x_stride + j]
// then clamped at zero when `relu` is set. bias may be null, otherwise it has
// padded_outputs(outputs) entries.
void dense_frames(const PackedWeights& weights, const float* bias, const float* x, int x_stride,
                  int frames, float* y, int y_stride, bool relu);

// In place: values[i] = 1 / (1 + exp(-values[i])).
void sigmoid(float* values, int count);
// In place: values[i] = tanh(values[i]).
void tanh(float* values, int count);

}  // namespace patter::turn::kernels
