// libFuzzer target: comicgan's model file reader.
#include "fuzz_target.h"
#include "io/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return comicgan::fuzz::run_reader(
      [&] { comicgan::io::read_model_file_bytes(data, size, "fuzz.cgm"); });
}
