// Writes the video fuzz target's seeds (tests/fixtures/fuzz-seeds/video/) with the project's own
// synthetic clip writer: one tiny clip (64x48, 4 frames) per container and codec the reader
// meets in practice, with and without audio, one rotated, one with subtitles. 30000/1001 fps
// except in AVI, which has no timestamps: there a 1/30000 time base would become 1001 frame
// slots a frame, all but one empty.
//   ninja -C build-fuzz make_video_seeds && build-fuzz/fuzz/make_video_seeds
//   tests/fixtures/fuzz-seeds/video
#include <cstdio>
#include <string>

#include "comicgan/error.h"
#include "video/synthetic_clip.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_FOLDER\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  struct Seed {
    const char* name;
    const char* codec;
    bool audio, subtitles;
    int rotation;
  };
  const Seed seeds[] = {
      {"h264_aac.mp4", "libx264", true, false, 0},
      {"mpeg4.mp4", "mpeg4", false, false, 0},
      {"h264.mkv", "libx264", false, false, 0},
      {"mpeg4_aac_subtitles.mkv", "mpeg4", true, true, 0},
      {"vp8_opus.webm", "libvpx", true, false, 0},
      {"vp9.webm", "libvpx-vp9", false, false, 0},
      {"h264_rotated90.mov", "libx264", false, false, 90},
      {"mpeg4_aac.mov", "mpeg4", true, false, 0},
      {"mpeg4.avi", "mpeg4", false, false, 0},
  };
  try {
    for (const Seed& s : seeds) {
      comicgan::video::SyntheticClip clip;
      clip.width = 64;
      clip.height = 48;
      clip.frames = 4;
      clip.video_codec = s.codec;
      clip.audio = s.audio;
      clip.subtitles = s.subtitles;
      clip.rotation = s.rotation;
      clip.speed = 3.0;
      if (std::string(s.name).find(".avi") != std::string::npos) {
        clip.time_base = {1, 30};
        clip.frame_rate = {30, 1};
      }
      comicgan::video::write_synthetic_clip(dir + "/" + s.name, clip);
      std::printf("%s\n", s.name);
    }
  } catch (const comicgan::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
