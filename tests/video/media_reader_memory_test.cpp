// The video reader over bytes in memory (what the fuzz target video_fuzz drives): the same
// frames as reading the file by path, its limits, and the inputs the fuzzer once crashed
// (tests/fixtures/fuzz-regressions/video/), replayed on every run. The seeds of the fuzz target
// (tests/fixtures/fuzz-seeds/video/, fuzz/make_video_seeds_media.cpp) double as a small corpus
// of real containers: each must read in full, by path and from memory alike.
// Needs nothing but the reader and the clip writer (no LibTorch model), so fuzz/CMakeLists.txt
// also builds it against the instrumented reader: scripts/test-sanitized --io runs it under
// ASan + UBSan.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "comicgan/error.h"
#include "test_paths.h"
#include "video/media_reader.h"
#include "video/synthetic_clip.h"

using namespace comicgan;
using namespace comicgan::video;
namespace fs = std::filesystem;

namespace {

class ScratchDir {
 public:
  ScratchDir()
      : path_(comicgan_test::scratch_folder(
            std::string("reader-memory-") +
            ::testing::UnitTest::GetInstance()->current_test_info()->name())) {}
  ~ScratchDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// A 64x48 clip without audio.
SyntheticClip small_clip(int frames, const std::string& codec) {
  SyntheticClip clip;
  clip.width = 64;
  clip.height = 48;
  clip.frames = frames;
  clip.audio = false;
  clip.video_codec = codec;
  return clip;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const uint8_t* bytes_of(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::vector<VideoFrame> read_all(MediaReader& reader) {
  std::vector<VideoFrame> frames;
  VideoFrame f;
  while (reader.next(f)) frames.push_back(f);
  return frames;
}

std::vector<VideoFrame> read_frames(const std::string& path, VideoInfo* info) {
  MediaReader reader(path);
  *info = reader.info();
  return read_all(reader);
}

std::string error_reading(const std::string& bytes, const VideoLimits& limits = {}) {
  try {
    MediaReader reader(bytes_of(bytes), bytes.size(), "memory.video", limits);
    read_all(reader);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(FuzzSeeds, VideoClipsReadTheSameFromMemoryAsByPath) {
  int seen = 0;
  for (const auto& e :
       fs::directory_iterator(fs::path(COMICGAN_FIXTURES) / "fuzz-seeds" / "video")) {
    const std::string path = e.path().string();
    VideoInfo by_path_info;
    std::vector<VideoFrame> by_path = read_frames(path, &by_path_info);
    std::string bytes = file_bytes(path);
    MediaReader reader(bytes_of(bytes), bytes.size(), e.path().filename().string());
    std::vector<VideoFrame> in_memory = read_all(reader);

    const bool rotated = e.path().filename().string().find("rotated90") != std::string::npos;
    EXPECT_EQ(reader.info().width, rotated ? 48 : 64) << path;
    EXPECT_EQ(reader.info().height, rotated ? 64 : 48) << path;
    EXPECT_EQ(reader.info().codec, by_path_info.codec) << path;
    ASSERT_EQ(in_memory.size(), 4u) << path;
    ASSERT_EQ(by_path.size(), 4u) << path;
    for (size_t i = 0; i < in_memory.size(); ++i) {
      EXPECT_EQ(in_memory[i].pts, by_path[i].pts) << path << " frame " << i;
      EXPECT_EQ(in_memory[i].rgb.pixels, by_path[i].rgb.pixels) << path << " frame " << i;
    }
    ++seen;
  }
  EXPECT_EQ(seen, 9);
}

TEST(MediaReaderMemory, AudioAndSubtitlePacketsArePassedOnAsByPath) {
  const std::string path =
      (fs::path(COMICGAN_FIXTURES) / "fuzz-seeds" / "video" / "mpeg4_aac_subtitles.mkv").string();
  std::string bytes = file_bytes(path);
  MediaReader by_path(path), in_memory(bytes_of(bytes), bytes.size(), "memory.mkv");
  read_all(by_path);
  read_all(in_memory);
  auto a = by_path.take_other_packets(), b = in_memory.take_other_packets();
  ASSERT_GT(a.size(), 2u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]->stream_index, b[i]->stream_index);
    EXPECT_EQ(a[i]->pts, b[i]->pts);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(a[i]->data), size_t(a[i]->size)),
              std::string(reinterpret_cast<char*>(b[i]->data), size_t(b[i]->size)));
  }
}

TEST(MediaReaderMemory, TruncatedAndEmptyInputsAreRefused) {
  const std::string bytes =
      file_bytes((fs::path(COMICGAN_FIXTURES) / "fuzz-seeds" / "video" / "mpeg4.mp4").string());
  EXPECT_NE(error_reading(""), "");
  EXPECT_NE(error_reading(bytes.substr(0, bytes.size() / 2)).find("memory.video"),
            std::string::npos);
  EXPECT_EQ(error_reading(bytes), "");
}

TEST(MediaReaderMemory, FramesOverThePixelLimitAreRefusedBeforeDecoding) {
  const std::string bytes =
      file_bytes((fs::path(COMICGAN_FIXTURES) / "fuzz-seeds" / "video" / "h264_aac.mp4").string());
  VideoLimits limits;
  limits.max_pixels = 64 * 48 - 1;
  EXPECT_NE(error_reading(bytes, limits).find("exceed the limit"), std::string::npos);
  limits = {};
  limits.max_side = 63;
  EXPECT_NE(error_reading(bytes, limits).find("exceed the limit"), std::string::npos);
  limits.max_side = 64;
  EXPECT_EQ(error_reading(bytes, limits), "");
  limits = {};
  limits.max_pixels = int64_t(1) << 40;  // --max-pixels beyond libavcodec's int option
  EXPECT_EQ(error_reading(bytes, limits), "");
}

// A raw H.264 stream whose second half is coded at another size: the first frames tell the
// reader 64x48, the later ones are 32x24, which the rest of the pipeline cannot take.
TEST(MediaReaderMemory, AStreamThatChangesFrameSizeIsRefused) {
  ScratchDir dir;
  SyntheticClip clip = small_clip(3, "libx264");
  write_synthetic_clip(dir / "a.h264", clip);
  clip.width = 32;
  clip.height = 24;
  write_synthetic_clip(dir / "b.h264", clip);
  const std::string first = file_bytes(dir / "a.h264");
  EXPECT_EQ(error_reading(first), "");
  std::string message = error_reading(first + file_bytes(dir / "b.h264"));
  EXPECT_NE(message.find("is 32x24 but the video stream is 64x48"), std::string::npos) << message;
}

// A playlist read from memory may not open the files it names; by path FFmpeg does.
TEST(MediaReaderMemory, PlaylistsCannotOpenOtherFiles) {
  ScratchDir dir;
  write_synthetic_clip(dir / "segment.ts", small_clip(3, "mpeg4"));
  const std::string playlist =
      "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nsegment.ts\n#EXT-X-ENDLIST\n";
  std::ofstream(dir / "list.m3u8", std::ios::binary) << playlist;
  MediaReader by_path(dir / "list.m3u8");
  EXPECT_EQ(read_all(by_path).size(), 3u);
  try {
    MediaReader in_memory(bytes_of(playlist), playlist.size(), dir / "list.m3u8");
    ADD_FAILURE() << "read " << read_all(in_memory).size() << " frames through the playlist";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("list.m3u8"), std::string::npos) << e.what();
  }
}

TEST(FuzzRegressions, VideoReader) {
  std::map<std::string, std::string> outcome;  // file name -> error ("" if it read)
  for (const auto& e :
       fs::directory_iterator(fs::path(COMICGAN_FIXTURES) / "fuzz-regressions" / "video")) {
    std::string bytes = file_bytes(e.path().string());
    std::string& message = outcome[e.path().filename().string()];
    try {
      VideoLimits limits;  // as in fuzz/video_fuzz_media.cpp
      limits.max_side = 4096;
      limits.max_pixels = 4'000'000;
      MediaReader reader(bytes_of(bytes), bytes.size(), "regression", limits);
      VideoFrame frame;
      for (int i = 0; i < 8 && reader.next(frame); ++i) {
        EXPECT_EQ(frame.rgb.width, reader.info().width) << e.path();
        EXPECT_EQ(frame.rgb.height, reader.info().height) << e.path();
      }
    } catch (const Error& ex) {
      message = ex.what();
      EXPECT_EQ(message.rfind("regression", 0), 0u) << e.path() << ": " << message;
    } catch (const std::exception& ex) {
      ADD_FAILURE() << e.path() << ": escaped as a non-comicgan exception: " << ex.what();
    }
  }
  // The crafted inputs (fuzz-regressions/make_crafted.py).
  ASSERT_GE(outcome.size(), 4u) << "the regression inputs are missing";
  EXPECT_NE(outcome["empty"], "");
}
