// The video numbers for `comicgan bench --video`: frames per second of the whole pipeline
// (decode, stylize, encode, audio copy) on a synthetic textured clip with motion, and the
// flicker (warping error) of the result, per-frame or with --consistency flow.
#pragma once

#include <cstdint>
#include <string>

#include "video/stylize_video.h"

namespace comicgan::video {

struct VideoBenchOptions {
  int width = 640, height = 360;
  int frames = 24;
  bool consistency = true;  // flow, as StylizeVideoJob; false: each frame alone
  int batch = 4;
  std::string scratch_dir;  // where the clip and the result go; "" = the system's temp folder
};

struct VideoBenchResult {
  int width = 0, height = 0;
  int64_t frames = 0;
  double seconds = 0;  // stylize_video's wall time, clip generation excluded
  double frames_per_second = 0;
  double warping_error = 0;  // of the output, 0..1: eval/warping_error.h, as `eval video`
  double input_warping_error = 0;
};

VideoBenchResult measure_video_throughput(const BatchStylizer& stylize,
                                          const VideoBenchOptions& options);

// One line: "640x360  24 frames  3.10 frames/s  warping error 0.0204 (consistency flow)".
std::string format_video_bench(const VideoBenchResult& result, bool consistency);

}  // namespace comicgan::video
