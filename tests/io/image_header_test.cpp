// The byte-level checks done before any decoder runs (no OpenCV needed): format recognition,
// size limits read from headers, structural completeness, EXIF orientation lookup.
#include "io/image_header.h"

#include <gtest/gtest.h>

#include <string>

#include "comicgan/error.h"
#include "io/crafted_images.h"
#include "io/tiff_ifd.h"

using namespace comicgan;
using namespace comicgan::testing;

namespace {

io::ImageHeader inspect(const std::string& bytes, const io::ImageLimits& limits = {}) {
  return io::inspect_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "x",
                           limits);
}

// A structurally complete baseline JPEG skeleton: SOI, SOF0 (w x h), SOS, entropy bytes, EOI.
std::string jpeg_skeleton(int w, int h, const std::string& entropy) {
  std::string sof = {char(0xFF), char(0xC0), 0, 11,   8, char(h >> 8), char(h), char(w >> 8),
                     char(w),    1,          1, 0x11, 0};
  std::string sos = {char(0xFF), char(0xDA), 0, 8, 1, 1, 0, 0, 63, 0};
  return std::string{char(0xFF), char(0xD8)} + sof + sos + entropy +
         std::string{char(0xFF), char(0xD9)};
}

}  // namespace

TEST(ImageHeader, ReadsPngSizeAndRefusesOversizeBeforeAnythingElse) {
  std::string ihdr = png_chunk("IHDR", be32(100000) + be32(100000) + std::string{8, 6, 0, 0, 0});
  std::string png = kPngSignature + ihdr;
  try {
    inspect(png);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "x: 100000x100000 = 10000000000 pixels exceeds the limit of 100000000 "
                 "(--max-pixels)");
  }
  io::ImageLimits huge;
  huge.max_pixels = int64_t(1) << 40;
  huge.max_side = 1 << 20;
  EXPECT_THROW(inspect(png, huge), Error);  // within limits, but no IDAT/IEND follows
  auto header = inspect(png + png_chunk("IDAT", "z") + png_chunk("IEND", ""), huge);
  EXPECT_EQ(header.format, io::ImageFormat::png);
  EXPECT_EQ(header.width, 100000);
}

TEST(ImageHeader, WalksJpegMarkersToTheEnd) {
  // Stuffed FF00, a restart marker and fill bytes inside the scan must not end it early.
  std::string entropy = {0x12, char(0xFF), 0x00, 0x34, char(0xFF), char(0xD3), 0x56, char(0xFF)};
  auto header = inspect(jpeg_skeleton(640, 480, entropy));
  EXPECT_EQ(header.format, io::ImageFormat::jpeg);
  EXPECT_EQ(header.width, 640);
  EXPECT_EQ(header.height, 480);
  std::string whole = jpeg_skeleton(640, 480, entropy);
  for (size_t n = 0; n < whole.size(); ++n) EXPECT_THROW(inspect(whole.substr(0, n)), Error) << n;
  EXPECT_THROW(inspect(jpeg_skeleton(0, 480, entropy)), Error);  // height/width 0
}

TEST(ImageHeader, RecognisesOnlyImageFormats) {
  for (std::string junk : {std::string("hello"), std::string("\0\0\0\0\0\0", 6),
                           std::string("%PDF-1.4"), std::string("GIF89a")}) {
    EXPECT_THROW(inspect(junk), Error) << junk;
  }
  EXPECT_THROW(inspect(""), Error);
}

TEST(TiffIfd, ReadsShortAndLongValuesInBothByteOrders) {
  // II: one IFD at 8 with Orientation (SHORT 3) and ImageWidth (LONG 70000).
  std::string ii = std::string("II*\0\x08\0\0\0", 8) + std::string("\x02\0", 2) +
                   std::string("\x12\x01\x03\0\x01\0\0\0\x03\0\0\0", 12) +
                   std::string("\x00\x01\x04\0\x01\0\0\0\x70\x11\x01\0", 12) + std::string(4, '\0');
  io::TiffIfdReader reader(reinterpret_cast<const uint8_t*>(ii.data()), ii.size());
  ASSERT_TRUE(reader.valid());
  EXPECT_EQ(reader.value(io::kTiffOrientation), 3u);
  EXPECT_EQ(reader.value(io::kTiffImageWidth), 70000u);
  EXPECT_FALSE(reader.value(io::kTiffImageLength).has_value());
  EXPECT_EQ(io::exif_orientation(reinterpret_cast<const uint8_t*>(ii.data()), ii.size()), 3);
  std::string mm = std::string("MM\0*\0\0\0\x08", 8) + std::string("\0\x01", 2) +
                   std::string("\x01\x12\0\x03\0\0\0\x01\0\x06\0\0", 12) + std::string(4, '\0');
  EXPECT_EQ(io::exif_orientation(reinterpret_cast<const uint8_t*>(mm.data()), mm.size()), 6);
  // Entry count running past the end: not valid, orientation falls back to 1.
  std::string cut = mm.substr(0, 16);
  EXPECT_EQ(io::exif_orientation(reinterpret_cast<const uint8_t*>(cut.data()), cut.size()), 1);
}
