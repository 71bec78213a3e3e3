#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// The subset of an ONNX model (onnx.proto3) needed to find a network's weights and structure.
namespace patter::turn::onnx {

// Thrown when a model file cannot be read or is not a well-formed ONNX model.
class ModelFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// TensorProto.DataType values this reader decodes.
enum class DataType : std::int32_t { float32 = 1, int32 = 6, int64 = 7 };

struct Tensor {
  std::string name;
  std::vector<std::int64_t> dims;
  std::int32_t data_type = 0;
  // Filled for float32 tensors and for int32/int64 tensors respectively; other types keep no data.
  std::vector<float> floats;
  std::vector<std::int64_t> ints;

  [[nodiscard]] std::int64_t element_count() const;
};

struct Graph;

struct Attribute {
  std::string name;
  std::int32_t type = 0;
  float f = 0.0F;
  std::int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<std::int64_t> ints;
  std::vector<Tensor> tensors;                       // attribute `t` (one) or `tensors`
  std::vector<std::shared_ptr<const Graph>> graphs;  // attribute `g` (one) or `graphs`
};

struct Node {
  std::string name;
  std::string op_type;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;

  [[nodiscard]] const Attribute* attribute(std::string_view attribute_name) const;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;
  std::vector<Tensor> initializers;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

struct Model {
  std::int64_t ir_version = 0;
  std::string producer_name;
  Graph graph;
};

Model parse_model(std::span<const std::uint8_t> bytes);
Model read_model_file(const std::filesystem::path& path);

}  // namespace patter::turn::onnx
