#include "io/image_io.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/image_header.h"
#include "io/image_mat.h"

namespace comicgan::io {

namespace {

// Largest sides the encoders accept (libjpeg's JPEG_MAX_DIMENSION, WebP's 14-bit sizes).
constexpr int kMaxJpegSide = 65500;
constexpr int kMaxWebpSide = 16383;

const char* const kExtensions[] = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string supported_list() {
  std::string out;
  for (const char* e : kExtensions) out += (out.empty() ? "" : " ") + std::string(e);
  return out;
}

// 16-bit samples to 8: round(v / 257) maps 0 -> 0 and 65535 -> 255 exactly, and equals
// (v + 128) / 257 in integers because v / 257 is never exactly halfway.
cv::Mat to_8bit(const cv::Mat& mat, const std::string& label) {
  if (mat.depth() == CV_8U) return mat;
  check(mat.depth() == CV_16U, label, ": ", cv::typeToString(mat.type()),
        " samples are not supported; save it with 8 or 16 bits per sample");
  cv::Mat out(mat.rows, mat.cols, CV_8UC(mat.channels()));
  size_t per_row = size_t(mat.cols) * mat.channels();
  for (int y = 0; y < mat.rows; ++y) {
    const uint16_t* in = mat.ptr<uint16_t>(y);
    uint8_t* o = out.ptr<uint8_t>(y);
    for (size_t i = 0; i < per_row; ++i) o[i] = uint8_t((uint32_t(in[i]) + 128) / 257);
  }
  return out;
}

// Turns the stored picture upright; `orientation` is the EXIF value (1..8).
void apply_orientation(cv::Mat& mat, int orientation) {
  switch (orientation) {
    case 2:
      cv::flip(mat, mat, 1);
      break;  // mirrored
    case 3:
      cv::rotate(mat, mat, cv::ROTATE_180);
      break;
    case 4:
      cv::flip(mat, mat, 0);
      break;  // upside-down mirror
    case 5:
      cv::transpose(mat, mat);
      break;  // mirror + 90 CCW
    case 6:
      cv::rotate(mat, mat, cv::ROTATE_90_CLOCKWISE);
      break;
    case 7:
      cv::transpose(mat, mat);
      cv::flip(mat, mat, -1);
      break;  // mirror + 90 CW
    case 8:
      cv::rotate(mat, mat, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    default:
      break;
  }
}

// "png", ".PNG" or "out.png" -> ".png"; an empty string when there is no dot-free suffix.
std::string normalized_extension(const std::string& name) {
  size_t dot = name.rfind('.');
  std::string ext = dot == std::string::npos ? "." + name : name.substr(dot);
  return lower(ext);
}

std::string encode(const Image& image, const std::string& extension, const WriteOptions& options,
                   const std::string& label) {
  bool known =
      std::find(std::begin(kExtensions), std::end(kExtensions), extension) != std::end(kExtensions);
  check(known, label, ": unknown image extension '", extension, "' (supported: ", supported_list(),
        ")");
  check(image.channels == 3 || image.channels == 4, label,
        ": expected an RGB or RGBA image, found ", image.channels, " channels");
  check(image.width > 0 && image.height > 0, label, ": cannot write an empty image (", image.width,
        "x", image.height, ")");
  size_t expected = size_t(image.width) * image.height * image.channels;
  check(image.pixels.size() == expected, label, ": the image holds ", image.pixels.size(),
        " bytes, ", image.width, "x", image.height, "x", image.channels, " needs ", expected);

  bool jpeg = extension == ".jpg" || extension == ".jpeg";
  bool webp = extension == ".webp";
  std::vector<int> params;
  if (jpeg) {
    check(options.jpeg_quality >= 1 && options.jpeg_quality <= 100, label,
          ": JPEG quality must be 1..100, found ", options.jpeg_quality);
    check(image.width <= kMaxJpegSide && image.height <= kMaxJpegSide, label, ": ", image.width,
          "x", image.height, " is too large for JPEG (at most ", kMaxJpegSide, " per side)");
    params = {cv::IMWRITE_JPEG_QUALITY, options.jpeg_quality};
  }
  if (webp) {
    check(options.webp_quality >= 1 && options.webp_quality <= 101, label,
          ": WebP quality must be 1..100 (101: lossless), found ", options.webp_quality);
    check(image.width <= kMaxWebpSide && image.height <= kMaxWebpSide, label, ": ", image.width,
          "x", image.height, " is too large for WebP (at most ", kMaxWebpSide, " per side)");
    params = {cv::IMWRITE_WEBP_QUALITY, options.webp_quality};
  }

  cv::Mat bgr = image_to_bgr_mat(image);
  if (bgr.channels() == 4 && (jpeg || extension == ".bmp")) bgr = over_white(bgr);
  std::vector<uint8_t> bytes;
  bool ok = false;
  try {
    ok = cv::imencode(extension, bgr, bytes, params);
  } catch (const cv::Exception& e) {
    fail(label, ": could not encode the image (", e.err, ")");
  }
  check(ok && !bytes.empty(), label, ": could not encode the image as ", extension);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

Image decode_image(const uint8_t* data, size_t size, const std::string& label,
                   const ImageLimits& limits) {
  ImageHeader header = inspect_image(data, size, label, limits);
  check(size <= size_t(INT_MAX), label, ": ", size, " bytes is more than OpenCV can decode");
  cv::Mat decoded;
  try {
    // imdecode only reads the buffer; UNCHANGED keeps alpha and 16-bit samples.
    cv::Mat encoded(1, int(size), CV_8UC1, const_cast<uint8_t*>(data));
    decoded = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    fail(label, ": truncated or corrupt image (", e.err, ")");
  }
  check(!decoded.empty(), label, ": truncated or corrupt image (the ", format_name(header.format),
        " decoder refused it)");
  check(decoded.cols == header.width && decoded.rows == header.height, label,
        ": truncated or corrupt image (header says ", header.width, "x", header.height,
        ", decoded ", decoded.cols, "x", decoded.rows, ")");
  cv::Mat upright = to_8bit(decoded, label);
  apply_orientation(upright, header.orientation);
  return bgr_mat_to_image(upright);
}

Image read_image(const std::string& path, const ImageLimits& limits) {
  std::string bytes = read_file(path, limits.max_file_bytes);
  return decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), path, limits);
}

std::string encode_image(const Image& image, const std::string& extension,
                         const WriteOptions& options) {
  return encode(image, normalized_extension(extension), options, "image");
}

void write_image(const std::string& path, const Image& image, const WriteOptions& options) {
  std::string extension = lower(std::filesystem::path(path).extension().string());
  check(!extension.empty(), path,
        ": no file extension to choose the image format from (supported: ", supported_list(), ")");
  write_file_atomically(path, encode(image, extension, options, path));
}

bool is_image_path(const std::string& path) {
  std::string extension = lower(std::filesystem::path(path).extension().string());
  return std::find(std::begin(kExtensions), std::end(kExtensions), extension) !=
         std::end(kExtensions);
}

std::vector<std::string> image_extensions() {
  return std::vector<std::string>(std::begin(kExtensions), std::end(kExtensions));
}

}  // namespace comicgan::io
