// libFuzzer target: the video reader behind `comicgan stylize clip.mp4` (libavformat demuxing,
// the stream probe, libavcodec decoding, conversion to upright RGB) over the fuzz bytes held in
// memory, with frame-size limits and at most 8 frames decoded per input. FFmpeg itself is not
// instrumented: coverage feedback comes from comicgan's side of the reader and from the
// intercepted calls (memcpy, malloc) FFmpeg makes.
#include <cstdlib>

#include "fuzz_target.h"
#include "video/media_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return comicgan::fuzz::run_reader([&] {
    comicgan::video::VideoLimits limits;
    limits.max_side = 4096;
    limits.max_pixels = 4'000'000;
    comicgan::video::MediaReader reader(data, size, "fuzz.video", limits);
    const auto& info = reader.info();
    comicgan::video::VideoFrame frame;
    for (int i = 0; i < 8 && reader.next(frame); ++i) {
      // What the rest of the pipeline relies on: every frame upright, RGB, of the stream's size.
      if (frame.rgb.width != info.width || frame.rgb.height != info.height ||
          frame.rgb.channels != 3 ||
          frame.rgb.pixels.size() != size_t(info.width) * size_t(info.height) * 3)
        std::abort();
      reader.take_other_packets();
    }
  });
}
