// Footage with camera motion made from real photos, for measuring flicker where no real video
// may be shipped: each photo is one shot, filmed by a virtual camera that pans slowly and zooms
// (a "Ken Burns" move) with a little hand-held shake, and a hard cut joins the shots. Unlike
// synthetic_clip's sinusoid textures, the content (edges, foliage, sky, faces) is what the
// stylizer meets in real use; unlike real footage, nothing in the scene moves on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comicgan/image.h"
#include "video/frame_stream.h"

namespace comicgan::video {

struct MotionClip {
  int width = 640, height = 360;
  int frames = 60;  // split evenly over the photos, a cut between each
  Rational time_base{1, 30000};
  Rational frame_rate{30000, 1001};
  double pan = 0.10;   // over one shot, as a fraction of the view's width
  double zoom = 0.10;  // over one shot: the view's scale changes by this factor
  double shake = 1.2;  // hand-held shake, output pixels (peak), plus +-0.15 degree roll
  uint64_t seed = 1;   // pan direction, zoom in or out and the shake, per shot
};

// Frame `index` (0-based) of `clip` filmed over `photos` (RGB).
Image motion_clip_frame(const std::vector<Image>& photos, const MotionClip& clip, int index);

// Writes the clip as H.264 (CRF 18, like a good phone camera) at clip.frame_rate, atomically.
void write_motion_clip(const std::string& path, const std::vector<std::string>& photo_paths,
                       const MotionClip& clip);

}  // namespace comicgan::video
