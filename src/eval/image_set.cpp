#include "eval/image_set.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "infer/stylizer.h"
#include "io/image_io.h"
#include "io/image_mat.h"

namespace comicgan::eval {

Image square_picture(const Image& image, int side) {
  check(side >= 16, "picture side must be >= 16, found ", side);
  cv::Mat bgr = io::image_to_bgr_mat(image);
  if (bgr.channels() == 4) cv::cvtColor(bgr, bgr, cv::COLOR_BGRA2BGR);
  const int s = std::min(bgr.cols, bgr.rows);
  cv::Mat centre = bgr(cv::Rect((bgr.cols - s) / 2, (bgr.rows - s) / 2, s, s));
  cv::Mat out;
  cv::resize(centre, out, cv::Size(side, side), 0, 0, s > side ? cv::INTER_AREA : cv::INTER_CUBIC);
  return io::bgr_mat_to_image(out);
}

Image rgb_within(const Image& image, int max_side) {
  cv::Mat bgr = io::image_to_bgr_mat(image);
  if (bgr.channels() == 4) bgr = io::over_white(bgr);
  const int longer = std::max(bgr.cols, bgr.rows);
  if (max_side > 0 && longer > max_side) {
    const double scale = double(max_side) / double(longer);
    cv::resize(bgr, bgr,
               cv::Size(std::max(1, int(bgr.cols * scale + 0.5)),
                        std::max(1, int(bgr.rows * scale + 0.5))),
               0, 0, cv::INTER_AREA);
  }
  return io::bgr_mat_to_image(bgr);
}

ImageSet load_image_folder(const std::string& folder, int side, int64_t max_images,
                           std::vector<std::string>* skipped, int full_max_side) {
  namespace fs = std::filesystem;
  std::error_code ec;
  check(fs::is_directory(folder, ec), folder, ": not a folder of pictures");
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_regular_file(ec) && io::is_image_path(it->path().string()))
      files.push_back(it->path());
  check(!ec, folder, ": cannot list: ", ec.message());
  std::sort(files.begin(), files.end());
  ImageSet set;
  for (const auto& f : files) {
    if (int64_t(set.images.size()) >= max_images) break;
    try {
      Image picture = io::read_image(f.string());
      set.images.push_back(square_picture(picture, side));
      if (full_max_side >= 0) set.full.push_back(rgb_within(picture, full_max_side));
      set.names.push_back(f.lexically_relative(folder).string());
    } catch (const Error& e) {
      if (skipped) skipped->push_back(e.what());
    }
  }
  check(!set.images.empty(), folder, ": no readable pictures (", files.size(),
        " picture file(s) found)");
  return set;
}

at::Tensor pictures_to_batch(const std::vector<Image>& pictures, size_t begin, size_t end) {
  check(begin < end && end <= pictures.size(), "pictures_to_batch: bad range");
  std::vector<at::Tensor> items;
  for (size_t i = begin; i < end; ++i) items.push_back(infer::image_to_tensor(pictures[i]));
  return torch::cat(items, 0);
}

}  // namespace comicgan::eval
