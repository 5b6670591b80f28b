// Reading and writing pictures: round trips per format, channel/depth conversions, and refusal of
// truncated, corrupt, oversized and non-image input. All test pictures are generated here with
// OpenCV or assembled byte by byte.
#include "io/image_io.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "comicgan/error.h"
#include "io/crafted_images.h"
#include "io/image_mat.h"
#include "test_paths.h"

using namespace comicgan;
using namespace comicgan::testing;
namespace fs = std::filesystem;

namespace {

class ImageIo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = comicgan_test::scratch_folder(
        std::string("image-io-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path dir_;
};

// A smooth RGB(A) picture (JPEG-friendly) with a distinct value in every pixel's channels.
Image pattern(int w, int h, int channels) {
  Image im(w, h, channels);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = im.row(y) + x * channels;
      p[0] = uint8_t(x * 255 / std::max(1, w - 1));
      p[1] = uint8_t(y * 255 / std::max(1, h - 1));
      p[2] = uint8_t((x + y) * 127 / std::max(1, w + h - 2) + 64);
      if (channels == 4) p[3] = uint8_t((x * 7 + y * 13) % 256);
    }
  return im;
}

std::string encoded(const cv::Mat& mat, const std::string& ext, std::vector<int> params = {}) {
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(cv::imencode(ext, mat, bytes, params));
  return std::string(bytes.begin(), bytes.end());
}

double mean_abs_diff(const Image& a, const Image& b) {
  EXPECT_EQ(a.pixels.size(), b.pixels.size());
  double sum = 0;
  for (size_t i = 0; i < std::min(a.pixels.size(), b.pixels.size()); ++i)
    sum += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
  return sum / double(a.pixels.size());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace

// ------------------------------------------------------------------------- round trips

TEST_F(ImageIo, RoundTripsEveryFormat) {
  Image original = pattern(37, 23, 3);  // odd sizes catch row-stride mistakes
  for (const char* ext : {".png", ".bmp", ".tif", ".tiff", ".jpg", ".jpeg", ".webp"}) {
    std::string file = path(std::string("round") + ext);
    io::write_image(file, original);
    Image back = io::read_image(file);
    ASSERT_EQ(back.width, 37) << ext;
    ASSERT_EQ(back.height, 23) << ext;
    ASSERT_EQ(back.channels, 3) << ext;
    bool lossy =
        std::string(ext) == ".jpg" || std::string(ext) == ".jpeg" || std::string(ext) == ".webp";
    if (lossy)
      EXPECT_LT(mean_abs_diff(back, original), 4.0) << ext;
    else
      EXPECT_EQ(back.pixels, original.pixels) << ext;
  }
}

TEST_F(ImageIo, RgbaKeepsAlphaWhereTheFormatHasIt) {
  Image original = pattern(19, 11, 4);
  for (const char* ext : {".png", ".tiff", ".webp"}) {
    io::WriteOptions lossless;
    lossless.webp_quality = 101;
    std::string file = path(std::string("alpha") + ext);
    io::write_image(file, original, lossless);
    Image back = io::read_image(file);
    ASSERT_EQ(back.channels, 4) << ext;
    Image want = original;
    if (std::string(ext) == ".webp") {
      // libwebp (as OpenCV drives it) does not keep the colour of fully transparent pixels.
      for (size_t i = 0; i < want.pixels.size(); i += 4)
        if (want.pixels[i + 3] == 0)
          for (int c = 0; c < 3; ++c) want.pixels[i + c] = back.pixels[i + c] = 0;
    }
    EXPECT_EQ(back.pixels, want.pixels) << ext;
  }
}

TEST_F(ImageIo, JpegAndBmpCompositeAlphaOverWhite) {
  // Left half opaque green-ish, right half fully transparent black.
  Image rgba(16, 8, 4);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 16; ++x) {
      uint8_t* p = rgba.row(y) + 4 * x;
      if (x < 8)
        p[0] = 10, p[1] = 200, p[2] = 30, p[3] = 255;
      else
        p[0] = p[1] = p[2] = p[3] = 0;
    }
  for (const char* ext : {".bmp", ".jpg"}) {
    std::string file = path(std::string("flat") + ext);
    io::write_image(file, rgba);
    Image back = io::read_image(file);
    ASSERT_EQ(back.channels, 3) << ext;
    int tolerance = std::string(ext) == ".bmp" ? 0 : 8;
    const uint8_t* opaque = back.row(4) + 3 * 2;
    const uint8_t* clear = back.row(4) + 3 * 13;
    EXPECT_NEAR(opaque[0], 10, tolerance) << ext;
    EXPECT_NEAR(opaque[1], 200, tolerance) << ext;
    EXPECT_NEAR(opaque[2], 30, tolerance) << ext;
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(clear[c], 255, tolerance) << ext;  // became white
  }
}

TEST_F(ImageIo, HalfTransparentBmpIsBlendedWithWhite) {
  Image rgba(1, 1, 4);
  rgba.pixels = {0, 100, 255, 128};
  io::write_image(path("half.bmp"), rgba);
  Image back = io::read_image(path("half.bmp"));
  // c * a/255 + 255 * (1 - a/255), rounded
  EXPECT_EQ(back.pixels, (std::vector<uint8_t>{127, 177, 255}));
}

TEST_F(ImageIo, GrayscaleBecomesRgb) {
  cv::Mat gray(5, 7, CV_8UC1);
  for (int i = 0; i < 35; ++i) gray.data[i] = uint8_t(i * 7);
  for (const char* ext : {".png", ".bmp", ".tiff"}) {
    Image im = decode(encoded(gray, ext));
    ASSERT_EQ(im.channels, 3) << ext;
    ASSERT_EQ(im.width, 7);
    for (int i = 0; i < 35; ++i)
      for (int c = 0; c < 3; ++c) ASSERT_EQ(im.pixels[3 * i + c], i * 7) << ext << " " << i;
  }
  Image jpeg = decode(encoded(gray, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 100}));
  EXPECT_EQ(jpeg.channels, 3);
  EXPECT_NEAR(jpeg.pixels[3 * 20], 140, 6);
}

TEST_F(ImageIo, SixteenBitIsScaledWithRounding) {
  // v -> round(v / 257): 128 -> 0, 129 -> 1, 257 * 100 + 128 -> 100, 257 * 100 + 129 -> 101.
  const uint16_t in[] = {0, 128, 129, 25828, 25829, 65535, 32896, 65406};
  const uint8_t want[] = {0, 0, 1, 100, 101, 255, 128, 254};
  cv::Mat gray16(1, 8, CV_16UC1);
  std::memcpy(gray16.data, in, sizeof in);
  for (const char* ext : {".png", ".tiff"}) {
    Image im = decode(encoded(gray16, ext));
    ASSERT_EQ(im.channels, 3);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(im.pixels[3 * i + 1], want[i]) << ext << " " << i;
  }
  // BGRA 16-bit: channel order and alpha survive the scaling.
  cv::Mat bgra16(1, 1, CV_16UC4, cv::Scalar(257 * 3, 257 * 2, 257 * 1, 257 * 200));
  Image rgba = decode(encoded(bgra16, ".png"));
  EXPECT_EQ(rgba.pixels, (std::vector<uint8_t>{1, 2, 3, 200}));
}

TEST_F(ImageIo, GrayAlphaPngBecomesRgba) {
  // OpenCV cannot write gray+alpha PNGs, so assemble one: 3x2, colour type 4, 8 bits.
  std::string raw;
  for (int y = 0; y < 2; ++y) {
    raw += '\0';  // filter: none
    for (int x = 0; x < 3; ++x) raw += {char(40 * x + y), char(100 + x)};
  }
  std::vector<uint8_t> z(compressBound(uLong(raw.size())));
  uLongf zsize = uLongf(z.size());
  ASSERT_EQ(
      compress(z.data(), &zsize, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size())),
      Z_OK);
  std::string png = kPngSignature + png_ihdr(3, 2, 8, 4) +
                    png_chunk("IDAT", std::string(z.begin(), z.begin() + zsize)) +
                    png_chunk("IEND", "");
  Image im = decode(png);
  ASSERT_EQ(im.channels, 4);
  ASSERT_EQ(im.width, 3);
  const uint8_t* p = im.row(1) + 4 * 2;  // x = 2, y = 1
  EXPECT_EQ((std::vector<uint8_t>(p, p + 4)), (std::vector<uint8_t>{81, 81, 81, 102}));
}

TEST_F(ImageIo, MatConversionsSwapChannelOrder) {
  Image rgb(1, 1, 3);
  rgb.pixels = {255, 10, 0};  // red
  cv::Mat bgr = io::image_to_bgr_mat(rgb);
  EXPECT_EQ(bgr.type(), CV_8UC3);
  EXPECT_EQ(bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 10, 255));
  EXPECT_EQ(io::bgr_mat_to_image(bgr).pixels, rgb.pixels);
  Image rgba = pattern(5, 3, 4);
  EXPECT_EQ(io::bgr_mat_to_image(io::image_to_bgr_mat(rgba)).pixels, rgba.pixels);
  cv::Mat view = io::rgb_mat_view(rgba);
  view.at<cv::Vec4b>(2, 4)[3] = 7;
  EXPECT_EQ(rgba.row(2)[4 * 4 + 3], 7);
  EXPECT_THROW(io::bgr_mat_to_image(cv::Mat(2, 2, CV_32FC3)), Error);
}

// ------------------------------------------------------------------------- orientation

TEST_F(ImageIo, RefusesNonImageBytes) {
  std::string text = "this is a text file, not a picture\n";
  EXPECT_NE(error_of([&] { decode(text); }).find("in.img: not an image (unrecognised format"),
            std::string::npos);
  write_bytes(path("notes.png"), text);
  EXPECT_NE(error_of([&] { io::read_image(path("notes.png")); }).find("notes.png: not an image"),
            std::string::npos);
  EXPECT_NE(error_of([&] { decode("GIF89a\x01\0\x01\0"); }).find("GIF"), std::string::npos);
  for (std::string tiny : {"\xFF", "\xFF\xD8", "\x89PNG", "RIFF", "BM", "II*"})
    EXPECT_THROW(decode(tiny), Error) << tiny.size();
}

TEST_F(ImageIo, RefusesZeroByteFile) {
  write_bytes(path("empty.jpg"), "");
  EXPECT_NE(
      error_of([&] { io::read_image(path("empty.jpg")); }).find("empty.jpg: empty file (0 bytes)"),
      std::string::npos);
  EXPECT_NE(error_of([&] { io::read_image(path("missing.jpg")); }).find("missing.jpg"),
            std::string::npos);
}

TEST_F(ImageIo, RefusesEveryTruncation) {
  cv::Mat bgr = io::image_to_bgr_mat(pattern(40, 30, 3));
  cv::Mat bgra = io::image_to_bgr_mat(pattern(40, 30, 4));
  struct Case {
    std::string name, bytes;
  };
  std::vector<Case> cases = {
      {"jpeg", encoded(bgr, ".jpg")},
      {"progressive jpeg", encoded(bgr, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1})},
      {"png", encoded(bgra, ".png")},
      {"webp", encoded(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80})},
      {"webp lossless alpha", encoded(bgra, ".webp")},
      {"bmp", encoded(bgr, ".bmp")},
      {"tiff", encoded(bgr, ".tiff")},
  };
  for (const auto& c : cases) {
    ASSERT_NO_THROW(decode(c.bytes)) << c.name;
    size_t n = c.bytes.size();
    // Every byte near both ends, and 40 cuts in between.
    std::vector<size_t> cuts;
    for (size_t i = 0; i < std::min<size_t>(n, 64); ++i) cuts.push_back(i);
    for (size_t i = 1; i <= 16 && i < n; ++i) cuts.push_back(n - i);
    for (size_t k = 1; k < 40; ++k) cuts.push_back(n * k / 40);
    for (size_t cut : cuts) {
      std::string message = error_of([&] { decode(c.bytes.substr(0, cut)); });
      EXPECT_NE(message.find("in.img: "), std::string::npos) << c.name << " cut at " << cut;
    }
  }
}

TEST_F(ImageIo, TruncationMessageSaysSo) {
  std::string jpeg = encoded(io::image_to_bgr_mat(pattern(40, 30, 3)), ".jpg");
  std::string png = encoded(io::image_to_bgr_mat(pattern(40, 30, 3)), ".png");
  for (const std::string* bytes : {&jpeg, &png}) {
    std::string message = error_of([&] { decode(bytes->substr(0, bytes->size() * 2 / 3)); });
    EXPECT_NE(message.find("in.img: truncated or corrupt image"), std::string::npos) << message;
  }
}

TEST_F(ImageIo, RefusesPngWithDamagedData) {
  std::string png = encoded(io::image_to_bgr_mat(pattern(40, 30, 3)), ".png");
  png[png.size() - 30] ^= 0x10;  // inside IDAT
  EXPECT_NE(error_of([&] { decode(png); }).find("bad checksum"), std::string::npos);
}

TEST_F(ImageIo, RefusesHugePngFromItsHeaderAlone) {
  // 100000 x 100000 RGBA would need 40 GB; the header check must refuse it before decoding.
  std::string bomb = kPngSignature + png_ihdr(100000, 100000, 8, 6) + png_chunk("IDAT", "x") +
                     png_chunk("IEND", "");
  EXPECT_EQ(
      error_of([&] { decode(bomb); }),
      "in.img: 100000x100000 = 10000000000 pixels exceeds the limit of 100000000 (--max-pixels)");
  // Also refused without the rest of the file: the size is checked before the structure.
  std::string header_only = kPngSignature + png_ihdr(100000, 100000, 8, 6);
  EXPECT_NE(error_of([&] { decode(header_only); }).find("exceeds the limit"), std::string::npos);
}

TEST_F(ImageIo, RefusesHugeDimensionsInEveryFormat) {
  io::ImageLimits limits;
  limits.max_pixels = 60 * 60;
  cv::Mat small(8, 8, CV_8UC3, cv::Scalar(1, 2, 3));
  // Patch the declared size of real files to 100x100 (over the limit, under max_side).
  std::string jpeg = encoded(small, ".jpg");
  size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  jpeg[sof + 5] = 0, jpeg[sof + 6] = 100, jpeg[sof + 7] = 0, jpeg[sof + 8] = 100;
  std::string bmp = encoded(small, ".bmp");
  bmp[18] = 100, bmp[22] = 100;
  std::string webp = encoded(small, ".webp");  // lossless: VP8L, 14-bit sizes minus one
  uint32_t bits = 99u | 99u << 14 | uint32_t(uint8_t(webp[24]) >> 4) << 28;
  for (int i = 0; i < 4; ++i) webp[21 + i] = char(bits >> (8 * i));
  for (const std::string* bytes : {&jpeg, &bmp, &webp}) {
    EXPECT_NE(error_of([&] {
                decode(*bytes, limits);
              }).find("100x100 = 10000 pixels exceeds the limit of 3600"),
              std::string::npos);
  }
}

TEST_F(ImageIo, LimitsAreConfigurable) {
  std::string png = encoded(cv::Mat(100, 100, CV_8UC3, cv::Scalar(9, 9, 9)), ".png");
  io::ImageLimits limits;
  limits.max_pixels = 5000;
  EXPECT_EQ(error_of([&] { decode(png, limits); }),
            "in.img: 100x100 = 10000 pixels exceeds the limit of 5000 (--max-pixels)");
  limits.max_pixels = 10000;
  EXPECT_EQ(decode(png, limits).width, 100);
  limits.max_side = 99;
  EXPECT_NE(error_of([&] { decode(png, limits); }).find("limit of 99 pixels (--max-side)"),
            std::string::npos);
  limits = {};
  limits.max_file_bytes = png.size() - 1;
  EXPECT_NE(error_of([&] { decode(png, limits); }).find("bytes exceeds the limit"),
            std::string::npos);
  write_bytes(path("big.png"), png);
  EXPECT_THROW(io::read_image(path("big.png"), limits), Error);
}

TEST_F(ImageIo, RefusesFloatSamplesClearly) {
  std::string tiff = encoded(cv::Mat(4, 4, CV_32FC3, cv::Scalar(0.5, 0.5, 0.5)), ".tiff");
  EXPECT_NE(error_of([&] { decode(tiff); }).find("save it with 8 or 16 bits"), std::string::npos);
}

// ------------------------------------------------------------------------- writing

TEST_F(ImageIo, RefusesUnknownOutputExtension) {
  Image im = pattern(4, 4, 3);
  std::string message = error_of([&] { io::write_image(path("out.gif"), im); });
  EXPECT_NE(message.find("out.gif: unknown image extension '.gif' (supported: .jpg .jpeg .png"),
            std::string::npos)
      << message;
  EXPECT_NE(error_of([&] { io::write_image(path("out"), im); }).find("no file extension"),
            std::string::npos);
  EXPECT_TRUE(listing().empty());
}

TEST_F(ImageIo, RefusesUnwritableLocation) {
  Image im = pattern(4, 4, 3);
  std::string target = path("no/such/folder/out.png");
  EXPECT_NE(error_of([&] { io::write_image(target, im); }).find(target), std::string::npos);
  write_bytes(path("file"), "x");  // a file where a folder should be
  EXPECT_NE(error_of([&] { io::write_image(path("file/out.png"), im); }).find("file/out.png"),
            std::string::npos);
}

TEST_F(ImageIo, FailedWriteLeavesNoTemporaryAndKeepsTheOldFile) {
  Image im = pattern(6, 5, 3);
  io::write_image(path("keep.png"), im);
  Image bad = im;
  bad.channels = 2;
  EXPECT_THROW(io::write_image(path("keep.png"), bad), Error);
  Image short_buffer = im;
  short_buffer.pixels.pop_back();
  EXPECT_NE(error_of([&] { io::write_image(path("keep.png"), short_buffer); }).find("keep.png: "),
            std::string::npos);
  EXPECT_EQ(io::read_image(path("keep.png")).pixels, im.pixels);
  // The rename fails after the temporary was written: a folder sits where the file should go.
  fs::create_directory(path("taken.png"));
  fs::create_directory(path("taken.png/inside"));
  EXPECT_NE(error_of([&] { io::write_image(path("taken.png"), im); }).find("taken.png"),
            std::string::npos);
  EXPECT_EQ(listing(), (std::vector<std::string>{"keep.png", "taken.png"}));
}

TEST_F(ImageIo, EncodesToMemory) {
  Image im = pattern(9, 7, 4);
  std::string png = io::encode_image(im, "png");
  EXPECT_EQ(png.substr(0, 8), kPngSignature);
  EXPECT_EQ(decode(png).pixels, im.pixels);
  EXPECT_EQ(io::encode_image(im, ".JPG").substr(0, 2), "\xFF\xD8");
  io::WriteOptions bad;
  bad.jpeg_quality = 0;
  EXPECT_THROW(io::encode_image(im, "jpg", bad), Error);
}

TEST(ImagePaths, RecogniseExtensions) {
  EXPECT_TRUE(io::is_image_path("a/b/photo.JPG"));
  EXPECT_TRUE(io::is_image_path("x.jpeg"));
  EXPECT_TRUE(io::is_image_path("x.webp"));
  EXPECT_TRUE(io::is_image_path("x.Tif"));
  EXPECT_FALSE(io::is_image_path("x.gif"));
  EXPECT_FALSE(io::is_image_path("png"));
  EXPECT_FALSE(io::is_image_path("dir.png/file"));
  auto extensions = io::image_extensions();
  EXPECT_EQ(extensions.size(), 7u);
  for (const auto& e : extensions) EXPECT_TRUE(io::is_image_path("f" + e)) << e;
}
