#include "turn/silero_kernels.hpp"

#include <algorithm>
#include <cstdint>

// Almost all the time per window goes to dense_frames. It is compiled twice, for x86-64 with AVX2
// and FMA (8-float vectors) and for the baseline (4-float vectors, SSE2 on x86-64), and the
// variant is picked once at run time: generic vectors wider than the hardware's are lowered
// through memory, so each variant uses vectors of its own width. The cheap nonlinearities just
// use target_clones.
#if defined(__x86_64__) && defined(__ELF__) && !defined(__SANITIZE_ADDRESS__)
#define PATTER_HAS_AVX2_VARIANT 1
#define PATTER_AVX2_TARGET __attribute__((target("avx2,fma")))
#define PATTER_VECTOR_CLONES __attribute__((target_clones("avx2,fma", "default")))
#else
#define PATTER_HAS_AVX2_VARIANT 0
#define PATTER_VECTOR_CLONES
#endif

namespace patter::turn::kernels {
namespace {

// GCC/Clang generic vectors; the unaligned variants load from and store to float arrays at any
// alignment (vectors may alias their element type).
using Vec4 = float __attribute__((vector_size(16)));
using UnalignedVec4 = float __attribute__((vector_size(16), aligned(4)));
using Vec8 = float __attribute__((vector_size(32)));
using UnalignedVec8 = float __attribute__((vector_size(32), aligned(4)));

template <typename Vec>
struct VectorTraits;
template <>
struct VectorTraits<Vec4> {
  using Unaligned = UnalignedVec4;
  static constexpr int kLanes = 4;
};
template <>
struct VectorTraits<Vec8> {
  using Unaligned = UnalignedVec8;
  static constexpr int kLanes = 8;
};

// By reference: passing vectors by value is an ABI question where the hardware lacks them.
template <typename Vec>
[[gnu::always_inline]] inline const typename VectorTraits<Vec>::Unaligned& vector_at(
    const float* from) {
  return *reinterpret_cast<const typename VectorTraits<Vec>::Unaligned*>(from);
}
template <typename Vec>
[[gnu::always_inline]] inline typename VectorTraits<Vec>::Unaligned& vector_at(float* to) {
  return *reinterpret_cast<typename VectorTraits<Vec>::Unaligned*>(to);
}

// Outputs [first, last) in tiles of Frames frames x Blocks vectors of outputs, each accumulated in
// registers over all inputs; returns where it stopped (a tail narrower than a tile is left).
template <typename Vec, int Frames, int Blocks>
[[gnu::always_inline]] inline int dense_tiles(const PackedWeights& weights, const float* bias,
                                              const float* x, int x_stride, float* y, int y_stride,
                                              int first, int last) {
  constexpr int kLanes = VectorTraits<Vec>::kLanes;
  static_assert(kOutputBlock % kLanes == 0, "a vector never straddles two panels");
  const std::ptrdiff_t panel_size =
      static_cast<std::ptrdiff_t>(weights.total_inputs) * kOutputBlock;
  const float* rows =
      weights.packed + static_cast<std::ptrdiff_t>(weights.first_input) * kOutputBlock;
  int tile = first;
  for (; tile + Blocks * kLanes <= last; tile += Blocks * kLanes) {
    Vec acc[Frames][Blocks];
    const float* columns[Blocks];  // where each block's outputs sit in row 0 of its panel
    for (int b = 0; b < Blocks; ++b) {
      const int output = tile + b * kLanes;
      columns[b] = rows + output / kOutputBlock * panel_size + output % kOutputBlock;
      const Vec initial = bias != nullptr ? vector_at<Vec>(bias + output) : Vec{};
      for (int t = 0; t < Frames; ++t) acc[t][b] = initial;
    }
    for (int j = 0; j < weights.inputs; ++j) {
      Vec row[Blocks];
      for (int b = 0; b < Blocks; ++b) row[b] = vector_at<Vec>(columns[b] + j * kOutputBlock);
      for (int t = 0; t < Frames; ++t) {
        const float xj = x[t * x_stride + j];
        for (int b = 0; b < Blocks; ++b) acc[t][b] += row[b] * xj;
      }
    }
    for (int t = 0; t < Frames; ++t) {
      for (int b = 0; b < Blocks; ++b) {
        vector_at<Vec>(y + t * y_stride + tile + b * kLanes) = acc[t][b];
      }
    }
  }
  return tile;
}

// About eight accumulator vectors per tile: wide tiles for one frame, narrow ones for four.
// Tails are done a panel (kOutputBlock outputs) at a time.
template <typename Vec>
[[gnu::always_inline]] inline void dense_frames_with(const PackedWeights& weights,
                                                     const float* bias, const float* x,
                                                     int x_stride, int frames, float* y,
                                                     int y_stride, bool relu) {
  constexpr int kPanelBlocks = kOutputBlock / VectorTraits<Vec>::kLanes;
  const int outputs = padded_outputs(weights.outputs);
  int done = 0;
  switch (frames) {
    case 1:
      done = dense_tiles<Vec, 1, 8>(weights, bias, x, x_stride, y, y_stride, 0, outputs);
      dense_tiles<Vec, 1, kPanelBlocks>(weights, bias, x, x_stride, y, y_stride, done, outputs);
      break;
    case 2:
      done = dense_tiles<Vec, 2, 4>(weights, bias, x, x_stride, y, y_stride, 0, outputs);
      dense_tiles<Vec, 2, kPanelBlocks>(weights, bias, x, x_stride, y, y_stride, done, outputs);
      break;
    case 3:
      dense_tiles<Vec, 3, kPanelBlocks>(weights, bias, x, x_stride, y, y_stride, 0, outputs);
      break;
    default:
      dense_tiles<Vec, kMaxFrames, 2>(weights, bias, x, x_stride, y, y_stride, 0, outputs);
      break;
  }
  if (relu) {
    for (int t = 0; t < frames; ++t) {
      float* row = y + t * y_stride;
      for (int o = 0; o < outputs; ++o) row[o] = std::max(row[o], 0.0F);
    }
  }
}

void dense_frames_baseline(const PackedWeights& weights, const float* bias, const float* x,
                           int x_stride, int frames, float* y, int y_stride, bool relu) {
  dense_frames_with<Vec4>(weights, bias, x, x_stride, frames, y, y_stride, relu);
}

#if PATTER_HAS_AVX2_VARIANT
PATTER_AVX2_TARGET
void dense_frames_avx2(const PackedWeights& weights, const float* bias, const float* x,
                       int x_stride, int frames, float* y, int y_stride, bool relu) {
  dense_frames_with<Vec8>(weights, bias, x, x_stride, frames, y, y_stride, relu);
}
#endif

using DenseFrames = void (*)(const PackedWeights&, const float*, const float*, int, int, float*,
                             int, bool);

DenseFrames select_dense_frames() {
#if PATTER_HAS_AVX2_VARIANT
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return dense_frames_avx2;
#endif
  return dense_frames_baseline;
}

// The nonlinearities work on eight values at a time.
constexpr int kSigmoidWidth = 8;
using IntVec8 = std::int32_t __attribute__((vector_size(32)));

// values[0..8) = sigmoid(values[0..8)), written with vector operations because GCC does not
// if-convert (and so does not vectorise) scalar selects followed by arithmetic.
// sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) below, with e = exp(-|x|) <= 1, so nothing
// overflows. exp uses range reduction to [-ln2/2, ln2/2] and a degree-6 polynomial (relative
// error about 2e-7).
[[gnu::always_inline]] inline void sigmoid8(float* values) {
  constexpr float kLog2e = 1.44269504088896341F;
  constexpr float kLn2High = 0.693359375F;
  constexpr float kLn2Low = -2.12194440e-4F;
  constexpr float kRoundingShift = 12582912.0F;  // 1.5 * 2^23: adding it rounds to an integer
  const Vec8 x = vector_at<Vec8>(values);
  const Vec8 zero{};
  const Vec8 one = zero + 1.0F;
  const Vec8 lowest = zero - 87.0F;  // exp underflows below about -87.3
  Vec8 t = x < zero ? x : -x;
  t = t < lowest ? lowest : t;
  const Vec8 n = (t * kLog2e + kRoundingShift) - kRoundingShift;
  const Vec8 r = (t - n * kLn2High) - n * kLn2Low;
  Vec8 p = zero + 1.9875691500E-4F;
  p = p * r + 1.3981999507E-3F;
  p = p * r + 8.3334519073E-3F;
  p = p * r + 4.1665795894E-2F;
  p = p * r + 1.6666665459E-1F;
  p = p * r + 5.0000001201E-1F;
  p = p * r * r + r + 1.0F;
  const IntVec8 exponent = (__builtin_convertvector(n, IntVec8) + 127) << 23;
  const Vec8 e = p * __builtin_bit_cast(Vec8, exponent);
  const Vec8 numerator = x >= zero ? one : e;
  vector_at<Vec8>(values) = numerator / (one + e);
}

// Applies `eight_at_a_time` to values[0..count), the tail through a padded copy.
template <typename EightAtATime>
[[gnu::always_inline]] inline void apply_by_eight(float* values, int count,
                                                  EightAtATime eight_at_a_time) {
  int i = 0;
  for (; i + kSigmoidWidth <= count; i += kSigmoidWidth) eight_at_a_time(values + i);
  if (i < count) {
    float tail[kSigmoidWidth] = {};
    std::copy(values + i, values + count, tail);
    eight_at_a_time(tail);
    std::copy(tail, tail + (count - i), values + i);
  }
}

}  // namespace

void dense_frames(const PackedWeights& weights, const float* bias, const float* x, int x_stride,
                  int frames, float* y, int y_stride, bool relu) {
  static const DenseFrames implementation = select_dense_frames();
  implementation(weights, bias, x, x_stride, frames, y, y_stride, relu);
}

PATTER_VECTOR_CLONES
void sigmoid(float* values, int count) {
  apply_by_eight(values, count, sigmoid8);
}

// tanh(x) = 2 * sigmoid(2x) - 1
PATTER_VECTOR_CLONES
void tanh(float* values, int count) {
  apply_by_eight(values, count, [](float* eight) {
    for (int i = 0; i < kSigmoidWidth; ++i) eight[i] *= 2.0F;
    sigmoid8(eight);
    for (int i = 0; i < kSigmoidWidth; ++i) eight[i] = 2.0F * eight[i] - 1.0F;
  });
}

}  // namespace patter::turn::kernels
