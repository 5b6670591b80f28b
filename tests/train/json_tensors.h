// Reading the reference tensors that tests/fixtures/train/make_train_fixtures.py stores in JSON
// as {"shape": [...], "data": [flat values]}.
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include "test_paths.h"

namespace comicgan::testing {

inline nlohmann::json read_train_fixture(const std::string& name) {
  std::ifstream in(std::string(COMICGAN_FIXTURES) + "/train/" + name);
  EXPECT_TRUE(in.good()) << "missing fixture train/" << name;
  return nlohmann::json::parse(in);
}

inline at::Tensor json_tensor(const nlohmann::json& j) {
  auto shape = j.at("shape").get<std::vector<int64_t>>();
  auto data = j.at("data").get<std::vector<float>>();
  return at::tensor(data, at::kFloat).reshape(shape).clone();
}

// Largest absolute difference, for messages.
inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

}  // namespace comicgan::testing
