#include "video/frame_folder.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "comicgan/error.h"
#include "io/atomic_file.h"

namespace comicgan::video {
namespace fs = std::filesystem;

FrameFolderSource::FrameFolderSource(const std::string& folder, Rational fps,
                                     const io::ImageLimits& limits)
    : limits_(limits) {
  check_option(fps.num > 0 && fps.den > 0, "fps", "must be positive, found ", fps.num, "/",
               fps.den);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.is_regular_file() && io::is_image_path(entry.path().string()))
      files_.push_back(entry.path().string());
  check(!ec, folder, ": cannot list the folder (", ec.message(), ")");
  check(!files_.empty(), folder, ": no pictures (jpg, png, webp, bmp, tiff) in the folder");
  std::sort(files_.begin(), files_.end());
  Image first = io::read_image(files_[0], limits_);
  info_.width = first.width;
  info_.height = first.height;
  info_.frame_rate = fps;
  info_.time_base = {fps.den, fps.num};
  info_.frame_count = int64_t(files_.size());
  info_.duration_s = double(files_.size()) / fps.value();
  info_.codec = "pictures";
}

bool FrameFolderSource::next(VideoFrame& frame) {
  if (next_ == files_.size()) return false;
  Image image = io::read_image(files_[next_], limits_);
  check(image.width == info_.width && image.height == info_.height, files_[next_], " is ",
        image.width, "x", image.height, " but the first frame is ", info_.width, "x", info_.height);
  if (image.channels == 4) {  // frames have no alpha: keep the colour
    Image rgb(image.width, image.height, 3);
    for (size_t i = 0, n = size_t(image.width) * image.height; i < n; ++i)
      std::copy_n(&image.pixels[i * 4], 3, &rgb.pixels[i * 3]);
    image = std::move(rgb);
  }
  frame.rgb = std::move(image);
  frame.pts = int64_t(next_);
  frame.duration = 1;
  frame.index = int64_t(next_++);
  return true;
}

FrameFolderSink::FrameFolderSink(const std::string& folder) : target_(folder) {
  std::error_code ec;
  check(!fs::exists(target_, ec) || (fs::is_directory(target_, ec) && fs::is_empty(target_, ec)),
        target_, ": exists and is not an empty folder; give a new folder for the frames");
  fs::path t = fs::path(target_).lexically_normal();
  if (t.filename().empty()) t = t.parent_path();
  fs::path parent = t.parent_path().empty() ? fs::path(".") : t.parent_path();
  check(fs::is_directory(parent, ec), target_, ": the folder ", parent.string(), " does not exist");
  // A hidden folder of its own beside the target (two writers never share one), renamed into
  // place by finish().
  temp_ = io::make_unique_folder(parent.string(), "." + t.filename().string() + ".tmp-");
  target_ = t.string();
}

FrameFolderSink::~FrameFolderSink() {
  std::error_code ec;
  if (!finished_) fs::remove_all(temp_, ec);
}

void FrameFolderSink::write(const VideoFrame& frame) {
  char name[32];
  std::snprintf(name, sizeof name, "frame_%06lld.png", static_cast<long long>(++written_));
  io::write_image((fs::path(temp_) / name).string(), frame.rgb);
}

void FrameFolderSink::finish(bool complete) {
  (void)complete;  // whole frames either way
  std::error_code ec;
  if (fs::is_directory(target_, ec)) fs::remove(target_, ec);  // the empty folder it replaces
  fs::rename(temp_, target_, ec);
  check(!ec, target_, ": cannot move the frames into place (", ec.message(), ")");
  finished_ = true;
}

}  // namespace comicgan::video
