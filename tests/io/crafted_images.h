// Test helpers that assemble picture files byte by byte (PNG chunks with their CRCs, EXIF
// blocks, JPEG APP1 splices) and check error messages. No OpenCV, so core tests can use it.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <functional>
#include <string>

#include "comicgan/error.h"
#include "io/image_io.h"

namespace comicgan::testing {

// Decodes in-memory bytes labelled "in.img" (the name error messages will carry).
inline Image decode(const std::string& bytes, const io::ImageLimits& limits = {}) {
  return io::decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "in.img",
                          limits);
}

// The message of the comicgan::Error `f` throws; a test failure if it throws nothing.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const comicgan::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected comicgan::Error";
  return "";
}

inline std::string be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

inline std::string png_chunk(const std::string& type, const std::string& data) {
  std::string body = type + data;
  uint32_t crc =
      uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size())));
  return be32(uint32_t(data.size())) + body + be32(crc);
}

inline std::string png_ihdr(uint32_t w, uint32_t h, uint8_t depth, uint8_t color_type) {
  std::string d = be32(w) + be32(h);
  d += {char(depth), char(color_type), 0, 0, 0};
  return png_chunk("IHDR", d);
}

inline const std::string kPngSignature = "\x89PNG\r\n\x1a\n";

// A TIFF-structured EXIF block holding only Orientation.
inline std::string exif_tiff(int orientation, bool big_endian) {
  auto u16 = [&](uint16_t v) {
    return big_endian ? std::string{char(v >> 8), char(v)} : std::string{char(v), char(v >> 8)};
  };
  auto u32 = [&](uint32_t v) {
    return u16(big_endian ? v >> 16 : v & 0xffff) + u16(big_endian ? v & 0xffff : v >> 16);
  };
  std::string t = big_endian ? "MM" : "II";
  t += u16(42) + u32(8) + u16(1);  // header, IFD at 8 with one entry
  t += u16(0x0112) + u16(3) + u32(1) + u16(uint16_t(orientation)) + u16(0);  // SHORT value
  t += u32(0);                                                               // no next IFD
  return t;
}

// Inserts an APP1 Exif segment right after the JPEG's SOI marker.
inline std::string with_jpeg_exif(const std::string& jpeg, int orientation,
                                  bool big_endian = false) {
  std::string payload = std::string("Exif\0\0", 6) + exif_tiff(orientation, big_endian);
  size_t length = payload.size() + 2;
  std::string app1 = {char(0xFF), char(0xE1), char(length >> 8), char(length & 0xff)};
  return jpeg.substr(0, 2) + app1 + payload + jpeg.substr(2);
}

}  // namespace comicgan::testing
