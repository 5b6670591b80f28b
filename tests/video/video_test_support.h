// Shared by the video tests: a scratch folder, a tiny random-weights stylizer (fast), and readers
// that pull frames and raw packets back out of the files the pipeline writes.
#pragma once

extern "C" {
#include <libavformat/avformat.h>
}

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "infer/stylizer.h"
#include "io/model_file.h"
#include "models/generator.h"
#include "test_paths.h"
#include "video/media_reader.h"
#include "video/stylize_video.h"
#include "video/synthetic_clip.h"

namespace comicgan::video::testing {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = comicgan_test::scratch_folder("video-" + std::string(info ? info->name() : "x"));
  }
  ~ScratchDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }
  // Every entry, hidden ones included (a leftover temporary would show here).
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

// A small clip (64x48, 30000/1001 fps, AAC tone) of `frames` frames: fast to make and to stylize.
inline SyntheticClip small_clip(int frames) {
  SyntheticClip clip;
  clip.width = 64;
  clip.height = 48;
  clip.frames = frames;
  return clip;
}

// A job from `in` to `out` (tests set the rest).
inline StylizeVideoJob job_for(const std::string& in, const std::string& out) {
  StylizeVideoJob job;
  job.input = in;
  job.output = out;
  // These tests are about containers, timing and errors: each frame the stylizer's alone, so an
  // identity stylizer gives the input back. The consistency tests turn it on themselves.
  job.consistency = false;
  return job;
}

inline BatchStylizer tiny_stylizer() {
  torch::manual_seed(7);
  auto stylizer =
      std::make_shared<infer::Stylizer>(models::make_generator("animegan2", {{"width", 0.125}}));
  return [stylizer](const at::Tensor& x) { return stylizer->forward(x); };
}

// The same tiny generator as a model file, for the CLI.
inline void write_tiny_model(const std::string& path) {
  torch::manual_seed(7);
  auto generator = models::make_generator("animegan2", {{"width", 0.125}});
  io::ModelFile file;
  file.meta = {{"architecture", "animegan2"}, {"options", generator->options()}, {"name", "tiny"}};
  file.tensors = models::state_dict(*generator);
  io::write_model_file(path, file);
}

inline BatchStylizer identity_stylizer() {
  return [](const at::Tensor& x) { return x; };
}

inline std::vector<VideoFrame> read_frames(const std::string& path, VideoInfo* info = nullptr) {
  MediaReader reader(path);
  if (info) *info = reader.info();
  std::vector<VideoFrame> frames;
  VideoFrame f;
  while (reader.next(f)) frames.push_back(f);
  return frames;
}

struct RawPacket {
  int64_t pts, dts, duration;
  AVRational time_base;
  std::string data;
};

// Raw packets of the first stream of `type`, straight from the demuxer.
inline std::vector<RawPacket> read_packets(const std::string& path, AVMediaType type,
                                           AVCodecID* codec = nullptr) {
  AVFormatContext* fmt = nullptr;
  EXPECT_EQ(avformat_open_input(&fmt, path.c_str(), nullptr, nullptr), 0) << path;
  if (!fmt) return {};
  avformat_find_stream_info(fmt, nullptr);
  int index = av_find_best_stream(fmt, type, -1, -1, nullptr, 0);
  std::vector<RawPacket> out;
  if (index >= 0) {
    if (codec) *codec = fmt->streams[index]->codecpar->codec_id;
    AVPacket* p = av_packet_alloc();
    while (av_read_frame(fmt, p) >= 0) {
      if (p->stream_index == index)
        out.push_back({p->pts, p->dts, p->duration, fmt->streams[index]->time_base,
                       std::string(reinterpret_cast<char*>(p->data), size_t(p->size))});
      av_packet_unref(p);
    }
    av_packet_free(&p);
  }
  avformat_close_input(&fmt);
  return out;
}

// Frame times as exact rationals compared across time bases.
inline bool same_time(int64_t a, Rational ta, int64_t b, Rational tb) {
  return av_compare_ts(a, AVRational{ta.num, ta.den}, b, AVRational{tb.num, tb.den}) == 0;
}

inline double mean_abs_diff(const Image& a, const Image& b) {
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
  return sum / double(a.pixels.size());
}

struct CliRun {
  int status;
  std::string output;  // stdout and stderr together
};

// Runs the comicgan binary with `args` (a shell command line).
inline CliRun run_cli(const std::string& args) {
  std::string command = std::string(COMICGAN_CLI) + " " + args + " 2>&1";
  CliRun run{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace comicgan::video::testing
