// libFuzzer target: image decoding with its pixel limits (header parsing, EXIF, decoders).
#include "fuzz_target.h"
#include "io/image_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return comicgan::fuzz::run_reader([&] {
    comicgan::io::ImageLimits limits;
    limits.max_pixels = 4'000'000;
    comicgan::io::decode_image(data, size, "fuzz.img", limits);
  });
}
