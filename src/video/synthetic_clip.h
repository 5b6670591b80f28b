// Synthetic footage for tests and benchmarks, where no real clip may be shipped: a textured
// background panning under a textured object that moves faster (so there is parallax,
// occlusion and disocclusion, like real footage with motion), optionally a scene cut, written
// as a real file with libav*: any frame rate or variable timestamps, a display-matrix rotation,
// and a sine-tone audio track.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comicgan/image.h"
#include "video/frame_stream.h"

namespace comicgan::video {

struct SyntheticClip {
  int width = 96, height = 64;  // as stored (before rotation)
  int frames = 24;
  Rational time_base{1, 30000};
  Rational frame_rate{30000, 1001};
  std::vector<int64_t> pts;  // variable frame rate: one timestamp per frame (time_base units)
  int rotation = 0;          // clockwise degrees a player turns the picture (display matrix)
  bool audio = true;         // a 440 Hz tone, AAC, 44.1 kHz, as long as the video
  bool subtitles = false;    // a caption every 8 frames: mov_text in .mp4/.mov, SubRip elsewhere
  std::string video_codec = "mpeg4";
  int scene_cut_at = -1;  // frame index from which a different scene is shown
  double speed = 1.0;     // pixels per frame of the background pan (the object moves 2.5x)
};

// Frame `index` as stored in the file (before any rotation).
Image synthetic_frame(const SyntheticClip& clip, int index);

// The timestamp of frame `index` (time_base units).
int64_t synthetic_pts(const SyntheticClip& clip, int index);

void write_synthetic_clip(const std::string& path, const SyntheticClip& clip);

}  // namespace comicgan::video
