// EXIF orientation: pictures whose stored rows are rotated or mirrored must come out upright,
// for JPEG (APP1), PNG (eXIf) and WebP (EXIF chunk), in both EXIF byte orders.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>

#include "io/crafted_images.h"
#include "io/image_io.h"
#include "io/image_mat.h"

using namespace comicgan;
using namespace comicgan::testing;

namespace {

// An RGB picture of four flat 8x8 blocks (red, green / blue, white), 16 wide and 16 high, then
// widened to 24 with a black column so every orientation gives a different result.
cv::Mat quadrant_bgr() {
  cv::Mat m(16, 24, CV_8UC3, cv::Scalar(0, 0, 0));
  m(cv::Rect(0, 0, 8, 8)).setTo(cv::Scalar(0, 0, 255));      // red, top-left
  m(cv::Rect(8, 0, 8, 8)).setTo(cv::Scalar(0, 255, 0));      // green, top-middle
  m(cv::Rect(0, 8, 8, 8)).setTo(cv::Scalar(255, 0, 0));      // blue, bottom-left
  m(cv::Rect(8, 8, 8, 8)).setTo(cv::Scalar(255, 255, 255));  // white
  return m;
}

// The colour of the 8x8-block-centred pixel (x, y) of an RGB image, rounded to 0/255.
std::array<int, 3> colour_at(const Image& im, int x, int y) {
  const uint8_t* p = im.row(y) + x * im.channels;
  return {p[0] > 127 ? 255 : 0, p[1] > 127 ? 255 : 0, p[2] > 127 ? 255 : 0};
}

std::string encoded(const cv::Mat& bgr, const std::string& ext, int jpeg_quality = 95) {
  io::WriteOptions options;
  options.jpeg_quality = jpeg_quality;
  options.webp_quality = 101;  // lossless
  return io::encode_image(io::bgr_mat_to_image(bgr), ext, options);
}

}  // namespace

TEST(ImageOrientation, JpegExifOrientationMatchesOpenCvsOwn) {
  // OpenCV applies EXIF orientation itself in IMREAD_COLOR mode; our UNCHANGED path must agree
  // for all eight values and both byte orders.
  std::string plain = encoded(quadrant_bgr(), ".jpg", 100);
  for (bool big_endian : {false, true})
    for (int o = 1; o <= 8; ++o) {
      std::string jpeg = with_jpeg_exif(plain, o, big_endian);
      cv::Mat reference =
          cv::imdecode(std::vector<uint8_t>(jpeg.begin(), jpeg.end()), cv::IMREAD_COLOR);
      Image want = io::bgr_mat_to_image(reference);
      Image got = decode(jpeg);
      EXPECT_EQ(got.width, want.width) << o;
      EXPECT_EQ(got.height, want.height) << o;
      EXPECT_EQ(got.pixels, want.pixels) << "orientation " << o << (big_endian ? " MM" : " II");
    }
}

TEST(ImageOrientation, JpegExifOrientationRotatesThePicture) {
  std::string plain = encoded(quadrant_bgr(), ".jpg", 100);
  using C = std::array<int, 3>;
  const C red{255, 0, 0}, green{0, 255, 0}, blue{0, 0, 255};
  Image upright = decode(with_jpeg_exif(plain, 1));
  ASSERT_EQ(upright.width, 24);
  EXPECT_EQ(colour_at(upright, 4, 4), red);
  EXPECT_EQ(colour_at(upright, 12, 4), green);

  Image six = decode(with_jpeg_exif(plain, 6));  // stored rotated left: turn 90 clockwise
  ASSERT_EQ(six.width, 16);
  ASSERT_EQ(six.height, 24);
  EXPECT_EQ(colour_at(six, 12, 4), red);     // top-left went to top-right
  EXPECT_EQ(colour_at(six, 12, 12), green);  // below it
  EXPECT_EQ(colour_at(six, 4, 4), blue);

  Image three = decode(with_jpeg_exif(plain, 3));  // upside down
  ASSERT_EQ(three.width, 24);
  EXPECT_EQ(colour_at(three, 20, 12), red);
  EXPECT_EQ(colour_at(three, 12, 12), green);

  Image eight = decode(with_jpeg_exif(plain, 8));  // turn 90 counter-clockwise
  ASSERT_EQ(eight.width, 16);
  ASSERT_EQ(eight.height, 24);
  EXPECT_EQ(colour_at(eight, 4, 20), red);  // top-left went to bottom-left
  EXPECT_EQ(colour_at(eight, 4, 12), green);
  EXPECT_EQ(colour_at(eight, 12, 20), blue);
}

TEST(ImageOrientation, PngExifOrientationIsApplied) {
  std::string png = encoded(quadrant_bgr(), ".png");
  size_t after_ihdr = 8 + 25;
  std::string rotated =
      png.substr(0, after_ihdr) + png_chunk("eXIf", exif_tiff(6, true)) + png.substr(after_ihdr);
  Image im = decode(rotated);
  ASSERT_EQ(im.width, 16);
  ASSERT_EQ(im.height, 24);
  cv::Mat want;
  cv::rotate(quadrant_bgr(), want, cv::ROTATE_90_CLOCKWISE);
  EXPECT_EQ(im.pixels, io::bgr_mat_to_image(want).pixels);
}

TEST(ImageOrientation, WebpExifOrientationIsApplied) {
  // Rewrap a lossless WebP as the extended format: VP8X header, the VP8L image, an EXIF chunk.
  std::string simple = encoded(quadrant_bgr(), ".webp");
  ASSERT_EQ(simple.substr(12, 4), "VP8L");
  auto le = [](uint32_t v, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) out += char(v >> (8 * i));
    return out;
  };
  std::string exif = exif_tiff(8, false);
  std::string chunks = "VP8X" + le(10, 4) + std::string{0x08, 0, 0, 0} + le(24 - 1, 3) +
                       le(16 - 1, 3) + simple.substr(12) + "EXIF" + le(uint32_t(exif.size()), 4) +
                       exif;
  std::string webp = "RIFF" + le(uint32_t(4 + chunks.size()), 4) + "WEBP" + chunks;
  Image im = decode(webp);
  ASSERT_EQ(im.width, 16);
  ASSERT_EQ(im.height, 24);
  cv::Mat want;
  cv::rotate(quadrant_bgr(), want, cv::ROTATE_90_COUNTERCLOCKWISE);
  EXPECT_EQ(im.pixels, io::bgr_mat_to_image(want).pixels);
}

TEST(ImageOrientation, BadExifOrientationIsIgnored) {
  std::string plain = encoded(quadrant_bgr(), ".jpg", 100);
  Image upright = decode(plain);
  EXPECT_EQ(decode(with_jpeg_exif(plain, 9)).pixels, upright.pixels);
  EXPECT_EQ(decode(with_jpeg_exif(plain, 0)).pixels, upright.pixels);
  // An Exif block whose IFD offset points past its end.
  std::string broken = with_jpeg_exif(plain, 6);
  broken[4 + 6 + 4 + 2] = char(0x7f);  // IFD offset byte 0 (little endian)
  EXPECT_EQ(decode(broken).pixels, upright.pixels);
}

// ------------------------------------------------------------------------- refusals
