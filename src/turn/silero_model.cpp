#include "turn/silero_model.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>

#include "turn/silero_kernels.hpp"

namespace patter::turn {
namespace {

constexpr std::int64_t kBranchSelectorRate = 16000;
constexpr int kEncoderLayers = 4;

// Every tensor and Conv node of one branch (including its nested subgraphs), looked up by the
// PyTorch parameter name the exporter kept as a suffix of each tensor name.
class BranchIndex {
 public:
  explicit BranchIndex(const onnx::Graph& graph) { collect(graph); }

  [[nodiscard]] const onnx::Tensor& tensor(std::string_view suffix) const {
    const onnx::Tensor* found = nullptr;
    for (const auto& [name, tensor] : tensors_) {
      if (name.ends_with(suffix)) {
        if (found != nullptr)
          throw ModelError("ambiguous tensor name suffix " + std::string(suffix));
        found = tensor;
      }
    }
    if (found == nullptr) {
      throw ModelError("not a Silero VAD v5 model: no tensor named *" + std::string(suffix));
    }
    return *found;
  }

  // The Conv node whose weights are the tensor named *weight_suffix.
  [[nodiscard]] const onnx::Node& conv_using(std::string_view weight_suffix) const {
    for (const onnx::Node* node : convs_) {
      if (node->inputs.size() >= 2 && node->inputs[1].ends_with(weight_suffix)) return *node;
    }
    throw ModelError("not a Silero VAD v5 model: no Conv node uses " + std::string(weight_suffix));
  }

  [[nodiscard]] bool has_reflect_pad() const { return has_reflect_pad_; }
  [[nodiscard]] const onnx::Node* lstm() const { return lstm_; }

 private:
  void collect(const onnx::Graph& graph) {
    for (const onnx::Tensor& initializer : graph.initializers) {
      tensors_.emplace(initializer.name, &initializer);
    }
    for (const onnx::Node& node : graph.nodes) {
      if (node.op_type == "Constant" && node.outputs.size() == 1) {
        const onnx::Attribute* value = node.attribute("value");
        if (value != nullptr && value->tensors.size() == 1) {
          tensors_.emplace(node.outputs[0], value->tensors.data());
        }
      } else if (node.op_type == "Conv") {
        convs_.push_back(&node);
      } else if (node.op_type == "Pad") {
        const onnx::Attribute* mode = node.attribute("mode");
        has_reflect_pad_ = has_reflect_pad_ || (mode != nullptr && mode->s == "reflect");
      } else if (node.op_type == "LSTM") {
        lstm_ = &node;
      }
      for (const onnx::Attribute& attribute : node.attributes) {
        for (const auto& subgraph : attribute.graphs) collect(*subgraph);
      }
    }
  }

  std::unordered_map<std::string, const onnx::Tensor*> tensors_;
  std::vector<const onnx::Node*> convs_;
  const onnx::Node* lstm_ = nullptr;
  bool has_reflect_pad_ = false;
};

void expect_shape(const onnx::Tensor& tensor, const std::vector<std::int64_t>& dims,
                  std::string_view label) {
  if (tensor.data_type != static_cast<std::int32_t>(onnx::DataType::float32) ||
      tensor.dims != dims) {
    std::string wanted;
    for (const std::int64_t dim : dims) {
      if (!wanted.empty()) wanted.push_back('x');
      wanted.append(std::to_string(dim));
    }
    throw ModelError("not a Silero VAD v5 model: tensor " + std::string(label) +
                     " should be float " + wanted);
  }
}

std::int64_t single_int(const onnx::Node& node, std::string_view attribute_name,
                        std::int64_t fallback) {
  const onnx::Attribute* attribute = node.attribute(attribute_name);
  if (attribute == nullptr) return fallback;
  if (attribute->ints.empty()) return attribute->i;
  return attribute->ints.front();
}

ConvLayer load_encoder_layer(const BranchIndex& index, int layer, int expected_inputs) {
  const std::string prefix = "encoder." + std::to_string(layer) + ".reparam_conv.";
  const onnx::Tensor& weight = index.tensor(prefix + "weight");
  const onnx::Tensor& bias = index.tensor(prefix + "bias");
  if (weight.dims.size() != 3) throw ModelError("encoder weight " + prefix + "weight is not 3-D");
  ConvLayer conv;
  conv.outputs = static_cast<int>(weight.dims[0]);
  conv.inputs = static_cast<int>(weight.dims[1]);
  conv.kernel = static_cast<int>(weight.dims[2]);
  if (conv.inputs != expected_inputs) {
    throw ModelError("encoder layer " + std::to_string(layer) + " expects " +
                     std::to_string(conv.inputs) + " channels, previous layer gives " +
                     std::to_string(expected_inputs));
  }
  expect_shape(bias, {conv.outputs}, prefix + "bias");
  const onnx::Node& node = index.conv_using(prefix + "weight");
  conv.stride = static_cast<int>(single_int(node, "strides", 1));
  conv.padding = static_cast<int>(single_int(node, "pads", 0));
  if (single_int(node, "group", 1) != 1 || single_int(node, "dilations", 1) != 1 ||
      conv.stride < 1 || conv.padding < 0 || conv.padding >= conv.kernel) {
    throw ModelError("unsupported Conv attributes on " + node.name);
  }
  // The ONNX layout is [out][in][tap]; inputs are packed tap-major (tap * inputs + in) so that
  // the taps over consecutive input frames read consecutive activations.
  conv.weights = kernels::pack_weights(conv.outputs, conv.kernel * conv.inputs, [&](int o, int j) {
    const int tap = j / conv.inputs;
    const int in = j % conv.inputs;
    return weight.floats[(static_cast<std::size_t>(o) * conv.inputs + in) * conv.kernel + tap];
  });
  conv.bias.assign(kernels::padded_outputs(conv.outputs), 0.0F);
  std::copy(bias.floats.begin(), bias.floats.end(), conv.bias.begin());
  return conv;
}

int conv_output_length(const ConvLayer& conv, int input_length) {
  return (input_length + 2 * conv.padding - conv.kernel) / conv.stride + 1;
}

void check_fits_limits(const SileroBranch& branch) {
  namespace limits = silero_limits;
  bool fits = branch.input_samples() + branch.reflect_padding <= limits::kMaxInputSamples &&
              branch.context_samples <= limits::kMaxContextSamples &&
              branch.context_samples <= branch.window_samples &&
              branch.stft_frames * kernels::padded_outputs(2 * branch.frequency_bins) <=
                  limits::kMaxStftValues &&
              branch.lstm_hidden <= limits::kMaxHidden &&
              branch.encoder.back().outputs + branch.lstm_hidden <= limits::kMaxLstmInputs;
  int channels = branch.frequency_bins;
  int frames = branch.stft_frames;
  for (const ConvLayer& conv : branch.encoder) {
    fits = fits && (frames + 2 * conv.padding) * channels <= limits::kMaxActivationValues &&
           conv.outputs % kernels::kOutputBlock == 0;
    channels = conv.outputs;
    frames = conv_output_length(conv, frames);
  }
  if (!fits) throw ModelError("not a Silero VAD v5 model: layer sizes exceed the supported limits");
}

SileroBranch load_branch(const onnx::Graph& graph, int sample_rate) {
  const BranchIndex index(graph);
  SileroBranch branch;
  branch.sample_rate = sample_rate;
  branch.window_samples = sample_rate == 16000 ? 512 : 256;
  branch.context_samples = branch.window_samples / 8;

  const onnx::Tensor& basis = index.tensor("stft.forward_basis_buffer");
  if (basis.dims.size() != 3 || basis.dims[1] != 1 || basis.dims[0] % 2 != 0) {
    throw ModelError("not a Silero VAD v5 model: unexpected STFT basis shape");
  }
  branch.filter_length = static_cast<int>(basis.dims[2]);
  branch.frequency_bins = static_cast<int>(basis.dims[0] / 2);
  const onnx::Node& stft = index.conv_using("stft.forward_basis_buffer");
  branch.hop_length = static_cast<int>(single_int(stft, "strides", 0));
  if (!index.has_reflect_pad()) throw ModelError("not a Silero VAD v5 model: no reflect padding");
  const onnx::Tensor& padding = index.tensor("/stft/padding/Constant_1_output_0");
  if (padding.ints.size() != 2 || padding.ints[0] != 0) {
    throw ModelError("not a Silero VAD v5 model: unexpected STFT padding");
  }
  branch.reflect_padding = static_cast<int>(padding.ints[1]);
  const int input = branch.input_samples();
  // Reflection mirrors around the last sample, so at most input - 2 samples can be reflected.
  if (branch.hop_length < 1 || branch.reflect_padding < 0 || branch.reflect_padding > input - 2 ||
      input + branch.reflect_padding < branch.filter_length) {
    throw ModelError("not a Silero VAD v5 model: STFT does not fit the input window");
  }
  branch.stft_frames =
      (input + branch.reflect_padding - branch.filter_length) / branch.hop_length + 1;
  branch.stft_basis =
      kernels::pack_weights(2 * branch.frequency_bins, branch.filter_length, [&](int o, int j) {
        return basis.floats[static_cast<std::size_t>(o) * branch.filter_length + j];
      });

  int channels = branch.frequency_bins;
  int frames = branch.stft_frames;
  for (int layer = 0; layer < kEncoderLayers; ++layer) {
    ConvLayer& conv = branch.encoder[layer];
    conv = load_encoder_layer(index, layer, channels);
    channels = conv.outputs;
    frames = conv_output_length(conv, frames);
  }
  if (branch.stft_frames > kernels::kMaxFrames || frames != 1) {
    throw ModelError("not a Silero VAD v5 model: the encoder does not reduce to one frame");
  }

  const onnx::Tensor& weight_hh = index.tensor("decoder.rnn.weight_hh");
  if (weight_hh.dims.size() != 2) throw ModelError("LSTM weight_hh is not 2-D");
  const int hidden = static_cast<int>(weight_hh.dims[1]);
  branch.lstm_hidden = hidden;
  expect_shape(weight_hh, {4 * hidden, hidden}, "decoder.rnn.weight_hh");
  const onnx::Tensor& weight_ih = index.tensor("decoder.rnn.weight_ih");
  expect_shape(weight_ih, {4 * hidden, channels}, "decoder.rnn.weight_ih");
  const onnx::Tensor& bias_ih = index.tensor("decoder.rnn.bias_ih");
  const onnx::Tensor& bias_hh = index.tensor("decoder.rnn.bias_hh");
  expect_shape(bias_ih, {4 * hidden}, "decoder.rnn.bias_ih");
  expect_shape(bias_hh, {4 * hidden}, "decoder.rnn.bias_hh");
  if (index.lstm() == nullptr || single_int(*index.lstm(), "hidden_size", 0) != hidden) {
    throw ModelError("not a Silero VAD v5 model: LSTM hidden size mismatch");
  }
  // Stack [W_ih | W_hh] so one matrix product covers input and recurrent terms; the gate order
  // stays PyTorch's (i, f, g, o) since these are the PyTorch parameters.
  branch.lstm_weights = kernels::pack_weights(4 * hidden, channels + hidden, [&](int g, int j) {
    return j < channels ? weight_ih.floats[static_cast<std::size_t>(g) * channels + j]
                        : weight_hh.floats[static_cast<std::size_t>(g) * hidden + (j - channels)];
  });
  branch.lstm_bias.assign(kernels::padded_outputs(4 * hidden), 0.0F);
  for (std::size_t g = 0; g < static_cast<std::size_t>(4) * hidden; ++g) {
    branch.lstm_bias[g] = bias_ih.floats[g] + bias_hh.floats[g];
  }

  const onnx::Tensor& decoder_weight = index.tensor("decoder.decoder.2.weight");
  const onnx::Tensor& decoder_bias = index.tensor("decoder.decoder.2.bias");
  expect_shape(decoder_weight, {1, hidden, 1}, "decoder.decoder.2.weight");
  expect_shape(decoder_bias, {1}, "decoder.decoder.2.bias");
  branch.decoder_weights = decoder_weight.floats;
  branch.decoder_bias = decoder_bias.floats[0];
  check_fits_limits(branch);
  return branch;
}

// The top-level graph is `If(sr == 16000, then: 16 kHz network, else: 8 kHz network)`.
const onnx::Node& find_rate_switch(const onnx::Graph& graph) {
  const onnx::Node* rate_if = nullptr;
  for (const onnx::Node& node : graph.nodes) {
    if (node.op_type == "If") rate_if = &node;
  }
  if (rate_if == nullptr) throw ModelError("not a Silero VAD v5 model: no sample-rate If node");
  const onnx::Node* condition = nullptr;
  for (const onnx::Node& node : graph.nodes) {
    if (!node.outputs.empty() && !rate_if->inputs.empty() &&
        node.outputs[0] == rate_if->inputs[0]) {
      condition = &node;
    }
  }
  if (condition == nullptr || condition->op_type != "Equal" || condition->inputs.size() != 2) {
    throw ModelError("not a Silero VAD v5 model: the If condition is not sr == constant");
  }
  for (const onnx::Node& node : graph.nodes) {
    if (node.op_type != "Constant" || node.outputs.empty() ||
        node.outputs[0] != condition->inputs[1]) {
      continue;
    }
    const onnx::Attribute* value = node.attribute("value");
    if (value != nullptr && value->tensors.size() == 1 && value->tensors[0].ints.size() == 1 &&
        value->tensors[0].ints[0] == kBranchSelectorRate) {
      return *rate_if;
    }
  }
  throw ModelError("not a Silero VAD v5 model: the If condition does not compare sr with 16000");
}

const onnx::Graph& branch_graph(const onnx::Node& rate_if, std::string_view attribute_name) {
  const onnx::Attribute* attribute = rate_if.attribute(attribute_name);
  if (attribute == nullptr || attribute->graphs.size() != 1) {
    throw ModelError("not a Silero VAD v5 model: If node has no " + std::string(attribute_name));
  }
  return *attribute->graphs[0];
}

}  // namespace

std::shared_ptr<const SileroModel> SileroModel::from_onnx(const onnx::Model& model) {
  const onnx::Node& rate_if = find_rate_switch(model.graph);
  SileroBranch branch_16k = load_branch(branch_graph(rate_if, "then_branch"), 16000);
  SileroBranch branch_8k = load_branch(branch_graph(rate_if, "else_branch"), 8000);
  return std::shared_ptr<const SileroModel>(
      new SileroModel(std::move(branch_16k), std::move(branch_8k)));
}

std::shared_ptr<const SileroModel> SileroModel::load(const std::filesystem::path& onnx_file) {
  const onnx::Model model = onnx::read_model_file(onnx_file);
  try {
    return from_onnx(model);
  } catch (const ModelError& error) {
    throw ModelError(onnx_file.string() + ": " + error.what());
  }
}

}  // namespace patter::turn
