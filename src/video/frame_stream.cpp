#include "video/frame_stream.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "comicgan/error.h"

namespace comicgan::video {

Rational parse_rate(const std::string& text) {
  Rational r;
  try {
    size_t slash = text.find('/');
    if (slash == std::string::npos) {
      // Decimal rates are NTSC-style when they are: 29.97 means 30000/1001.
      double v = std::stod(text);
      r = {int(std::lround(v * 1001)), 1001};
      if (r.num % 1001 == 0) r = {r.num / 1001, 1};
    } else {
      r = {std::stoi(text.substr(0, slash)), std::stoi(text.substr(slash + 1))};
    }
  } catch (const std::exception&) {
    fail_option("fps", "must be a number or a fraction like 30000/1001, found '", text, "'");
  }
  check_option(r.num > 0 && r.den > 0, "fps", "must be positive, found '", text, "'");
  return r;
}

std::vector<std::string> video_extensions() { return {".mp4", ".mkv", ".webm", ".mov", ".gif"}; }

bool is_video_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  auto known = video_extensions();
  return std::find(known.begin(), known.end(), ext) != known.end();
}

}  // namespace comicgan::video
