#include "video/frame_stream.h"

#include <algorithm>
#include <filesystem>

namespace comicgan::video {

std::vector<std::string> video_extensions() { return {".mp4", ".mkv", ".webm", ".mov", ".gif"}; }

bool is_video_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  auto known = video_extensions();
  return std::find(known.begin(), known.end(), ext) != known.end();
}

}  // namespace comicgan::video
