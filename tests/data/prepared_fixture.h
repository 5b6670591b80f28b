// Writes small prepared-data folders for the loader's tests without OpenCV: pixel values encode
// where they came from (R = x, G = y, B = image id), so a test can tell which image, which crop
// and which flip a batch holds.
#pragma once

#include <filesystem>
#include <string>

#include "data/prepared_format.h"
#include "io/atomic_file.h"

namespace comicgan::test {

inline data::PreparedImage coded_image(int id, int width, int height, bool style) {
  data::PreparedImage im;
  im.source = "img" + std::to_string(id) + ".png";
  im.rgb = Image(width, height, 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      uint8_t* p = im.rgb.row(y) + 3 * x;
      p[0] = uint8_t(x);
      p[1] = uint8_t(y);
      p[2] = uint8_t(id);
    }
  if (style) {
    im.gray = Image(width, height, 1);
    im.smooth = Image(width, height, 3);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        im.gray.row(y)[x] = uint8_t(x);  // the same as the R channel: alignment is testable
        uint8_t* p = im.smooth.row(y) + 3 * x;
        p[0] = uint8_t(255 - x);
        p[1] = uint8_t(y);
        p[2] = uint8_t(id);
      }
  }
  return im;
}

// `photos` images of width x height in shards of `per_shard`, and `style` style images.
inline void write_coded_prepared_dir(const std::string& dir, int photos, int style, int width,
                                     int height, int per_shard = 3) {
  namespace fs = std::filesystem;
  fs::remove_all(dir);
  fs::create_directories(dir);
  nlohmann::json domains;
  for (auto domain : {data::Domain::photos, data::Domain::style}) {
    int count = domain == data::Domain::photos ? photos : style;
    nlohmann::json shards = nlohmann::json::array();
    for (int first = 0; first < count; first += per_shard) {
      std::vector<data::PreparedImage> images;
      for (int i = first; i < std::min(count, first + per_shard); ++i)
        images.push_back(coded_image(i, width, height, domain == data::Domain::style));
      std::string file = std::string(data::domain_name(domain)) + "-test-" +
                         std::to_string(shards.size()) + ".cgm";
      data::write_shard((fs::path(dir) / file).string(), domain, images);
      shards.push_back({{"file", file}, {"images", images.size()}});
    }
    domains[data::domain_name(domain)] = {{"shards", shards}};
  }
  nlohmann::json manifest = {{"format", data::kManifestFormat},
                             {"version", data::kPreparedFormatVersion},
                             {"domains", domains}};
  io::write_file_atomically((fs::path(dir) / data::kManifestName).string(), manifest.dump(1));
}

}  // namespace comicgan::test
