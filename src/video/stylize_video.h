// `comicgan stylize clip.mp4 -o out.mp4`: the video pipeline. Three stages run at once —
// decoding (plus optical flow on the input frames for --consistency flow), stylizing in batches,
// encoding and muxing (plus copying audio and subtitle packets) — joined by bounded queues.
// Output goes to a hidden temporary beside the target and is renamed into place at the end.
// Setting the job's `cancel` flag stops reading, finishes the frames already stylized, and
// renames that playable file into place (or leaves nothing if no frame was done). The library
// handles no signals: the CLI sets the flag on a first Ctrl-C, and on a second one removes the
// temporary `on_temporary` told it of and exits at once.
//
// Rotation: frames are turned upright (the display matrix applied) before stylizing, because
// the generators were trained on upright pictures; the output is written upright, without a
// display matrix.
#pragma once

#include <ATen/ATen.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "video/frame_stream.h"
#include "video/media_reader.h"
#include "video/media_writer.h"
#include "video/temporal_consistency.h"

namespace comicgan::video {

// (N,3,H,W) in [-1,1] -> (N,3,H,W) in [-1,1]: infer::Stylizer::forward, or anything like it.
using BatchStylizer = std::function<at::Tensor(const at::Tensor&)>;

struct StylizeVideoJob {
  std::string input;   // a video file or a folder of frames
  std::string output;  // .mp4 .mkv .webm .mov .gif, or a folder for frame_000001.png ...
  EncodeOptions encode;
  // Flicker removal (temporal_consistency.h), on by default: on real footage it lowers the
  // warping error by ~40% for ~4% more time. false: each frame stylized alone (--consistency off).
  bool consistency = true;
  ConsistencyOptions consistency_options;
  FlowOptions flow_options;
  float strength = 1.0f;
  int batch = 4;               // frames per forward()
  Rational folder_fps{25, 1};  // timestamps for frames read from a folder
  VideoLimits limits;
  // Set (from any thread, or a signal handler) to stop early as described above.
  const std::atomic<bool>* cancel = nullptr;
  // Called with the temporary file a video output is written to, before it is created, for a
  // caller that may have to end the process at once and remove it (a folder of frames is not
  // reported: its hidden temporary folder is left behind then).
  std::function<void(const std::string& path)> on_temporary;
};

struct VideoProgress {
  int64_t done = 0, total = 0;  // total: 0 when unknown
  double seconds = 0;
};

struct StylizeVideoReport {
  int64_t frames = 0;
  bool interrupted = false;  // stopped early; `output` holds the first `frames` frames
  bool written = false;      // false: interrupted before any frame, nothing was left
  double seconds = 0;
  std::string codec;  // the video encoder used
};

StylizeVideoReport stylize_video(const StylizeVideoJob& job, const BatchStylizer& stylize,
                                 const std::function<void(const std::string&)>& note = {},
                                 const std::function<void(const VideoProgress&)>& progress = {});

// Whether `stylize` should treat this as a video job: one input that is a video file, or a
// video file as output (a folder of frames in).
bool is_video_job(const std::vector<std::string>& inputs, const std::string& output);

// A video file or a folder of frames, opened for reading.
std::unique_ptr<FrameSource> open_frame_source(const std::string& path, Rational folder_fps,
                                               const VideoLimits& limits = {});

}  // namespace comicgan::video
