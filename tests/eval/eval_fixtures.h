// Small inputs for the eval tests: tiny random generators saved as model files, folders of
// synthetic photos and style pictures, and running the CLI.
#pragma once

#include <torch/torch.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <string>

#include "io/image_io.h"
#include "io/image_mat.h"
#include "io/model_file.h"
#include "models/generator.h"
#include "test_paths.h"

namespace comicgan::eval_test {

namespace fs = std::filesystem;

inline fs::path temp_folder(const std::string& name) {
  return comicgan_test::scratch_folder("eval-" + name);
}

// A random AnimeGANv2 generator at 1/8 width, saved as a model file.
inline std::string write_tiny_model(const fs::path& dir, const std::string& name, uint64_t seed) {
  torch::manual_seed(seed);
  auto g = models::make_generator("animegan2", {{"width", 0.125}});
  io::ModelFile file;
  file.meta = {{"architecture", "animegan2"}, {"options", g->options()}, {"name", name}};
  file.tensors = models::state_dict(*g);
  std::string path = (dir / (name + ".cgm")).string();
  io::write_model_file(path, file);
  return path;
}

// `count` pictures of `w` x `h`: coloured shapes on a gradient (photos) or flat colour with
// black outlines (style), written as PNG.
inline std::string write_pictures(const fs::path& dir, int count, int w, int h, bool flat) {
  fs::create_directories(dir);
  cv::RNG rng(flat ? 7 : 3);
  for (int i = 0; i < count; ++i) {
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        m.at<cv::Vec3b>(y, x) =
            flat ? cv::Vec3b(220, 200, 180)
                 : cv::Vec3b(uchar(x * 255 / w), uchar(y * 255 / h), uchar(40 * i));
    for (int s = 0; s < 3; ++s) {
      cv::Point c(rng.uniform(0, w), rng.uniform(0, h));
      cv::Scalar colour(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255));
      cv::circle(m, c, rng.uniform(4, h / 3), colour, -1);
      if (flat) cv::circle(m, c, rng.uniform(4, h / 3), cv::Scalar(0, 0, 0), 2);
    }
    io::write_image((dir / ("p" + std::to_string(i) + ".png")).string(), io::bgr_mat_to_image(m));
  }
  return dir.string();
}

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    r.output.append(buffer.data(), n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace comicgan::eval_test
