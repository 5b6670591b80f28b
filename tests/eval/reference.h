// Reference tensors written by tests/fixtures/eval/make_*.py, by name.
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "io/torch_checkpoint.h"
#include "test_paths.h"

namespace comicgan::eval_test {

inline std::map<std::string, at::Tensor> load_reference(const std::string& file) {
  std::map<std::string, at::Tensor> named;
  for (auto& [name, tensor] :
       io::read_torch_checkpoint(std::string(COMICGAN_FIXTURES) + "/eval/" + file))
    named[name] = tensor;
  return named;
}

inline double scalar(const std::map<std::string, at::Tensor>& ref, const std::string& name) {
  return ref.at(name).item<double>();
}

}  // namespace comicgan::eval_test
