// An ordered list of named tensors: what a state_dict is once read from any file format.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

namespace comicgan::io {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

}  // namespace comicgan::io
