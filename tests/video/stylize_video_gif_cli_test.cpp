// `comicgan stylize clip.mp4 -o out.gif` end to end, checked against the GIF bytes themselves
// (not FFmpeg's reading of them): one image per input frame at the input's size, and frame
// delays that are the input's timestamps rounded to GIF's 1/100 s, so the GIF neither runs
// fast nor drifts from the source. A failed run leaves no GIF and no temporary behind.
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

namespace {

struct GifFacts {
  int width = 0, height = 0;  // the logical screen
  std::vector<int> delays;    // per image, in 1/100 s (0 where an image has no control block)
  bool trailer = false;
};

// Walks the GIF89a block structure: header, logical screen, colour tables, extensions and
// image descriptors with their data sub-blocks.
GifFacts parse_gif(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  auto byte = [&](size_t at) -> int {
    if (at >= b.size())
      throw std::runtime_error(path + ": GIF ends early at byte " + std::to_string(at));
    return static_cast<unsigned char>(b[at]);
  };
  auto skip_sub_blocks = [&] {
    for (int n = byte(pos++); n != 0; n = byte(pos++)) pos += size_t(n);
  };
  auto color_table_size = [](int flags) { return flags & 0x80 ? 3 * (1 << ((flags & 7) + 1)) : 0; };

  if (b.compare(0, 6, "GIF89a") != 0 && b.compare(0, 6, "GIF87a") != 0)
    throw std::runtime_error(path + ": not a GIF");
  GifFacts facts;
  facts.width = byte(6) | byte(7) << 8;
  facts.height = byte(8) | byte(9) << 8;
  pos = 13 + size_t(color_table_size(byte(10)));
  int pending_delay = 0;
  while (pos < b.size()) {
    int introducer = byte(pos++);
    if (introducer == 0x3B) {
      facts.trailer = true;
      break;
    }
    if (introducer == 0x21) {
      int label = byte(pos++);
      if (label == 0xF9) pending_delay = byte(pos + 2) | byte(pos + 3) << 8;
      skip_sub_blocks();
    } else if (introducer == 0x2C) {
      int flags = byte(pos + 8);
      pos += 9 + size_t(color_table_size(flags)) + 1;  // descriptor, local table, LZW code size
      skip_sub_blocks();
      facts.delays.push_back(pending_delay);
      pending_delay = 0;
    } else {
      throw std::runtime_error(path + ": unexpected GIF block 0x" + std::to_string(introducer));
    }
  }
  return facts;
}

// `t` (time_base units) in 1/100 s, rounded to nearest (halves up), exactly.
int64_t centiseconds(int64_t t, Rational time_base) {
  int64_t scaled = 2 * t * time_base.num * 100 + time_base.den;
  return scaled / (2 * int64_t(time_base.den));
}

void expect_gif_keeps_frames_and_timing(const std::string& in, const std::string& gif) {
  VideoInfo info;
  auto frames = read_frames(in, &info);
  ASSERT_FALSE(frames.empty());
  ASSERT_GT(frames.back().duration, 0) << "the input's last frame has no duration";
  GifFacts facts = parse_gif(gif);
  EXPECT_TRUE(facts.trailer);
  EXPECT_EQ(facts.width, info.width);
  EXPECT_EQ(facts.height, info.height);
  ASSERT_EQ(facts.delays.size(), frames.size());

  auto seconds = [&](int64_t t) { return double(t) * info.time_base.value(); };
  const int64_t start = frames.front().pts, end = frames.back().pts + frames.back().duration;
  int64_t elapsed_cs = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    int64_t next = i + 1 < frames.size() ? frames[i + 1].pts : end;
    EXPECT_EQ(facts.delays[i],
              centiseconds(next, info.time_base) - centiseconds(frames[i].pts, info.time_base))
        << "delay of frame " << i;
    elapsed_cs += facts.delays[i];
    // Rounding each timestamp, not each delay: the GIF never drifts more than half a tick.
    EXPECT_LE(std::abs(double(elapsed_cs) / 100 - (seconds(next) - seconds(start))), 0.005 + 1e-9)
        << "after frame " << i;
  }
  EXPECT_NEAR(double(elapsed_cs) / 100, seconds(end) - seconds(start), 0.010);
  // FFmpeg reads the same number of frames back.
  EXPECT_EQ(read_frames(gif).size(), frames.size());
}

CliRun stylize_to(const ScratchDir& dir, const std::string& in, const std::string& out) {
  return run_cli("stylize " + (dir / in) + " -o " + (dir / out) + " --model " + (dir / "tiny.cgm") +
                 " --threads 1");
}

}  // namespace

TEST(StylizeVideoGifCli, NtscAndVariableRateClipsKeepFrameCountSizeAndTiming) {
  ScratchDir dir;
  write_tiny_model(dir / "tiny.cgm");
  SyntheticClip ntsc = small_clip(12);  // 30000/1001: 3.33 ticks of 1/100 s per frame
  write_synthetic_clip(dir / "ntsc.mp4", ntsc);
  SyntheticClip vfr = small_clip(12);
  int64_t t = 0;
  for (int i = 0; i < vfr.frames; ++i) {  // irregular gaps, some not a multiple of a frame period
    vfr.pts.push_back(t);
    t += 1001 * (1 + i * 7 % 3) + (i % 2) * 450;
  }
  write_synthetic_clip(dir / "vfr.mp4", vfr);

  for (const std::string name : {"ntsc", "vfr"}) {
    SCOPED_TRACE(name);
    CliRun run = stylize_to(dir, name + ".mp4", name + ".gif");
    ASSERT_EQ(run.status, 0) << run.output;
    EXPECT_NE(run.output.find("stylized 12 frames"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("1/100 s"), std::string::npos) << run.output;
    expect_gif_keeps_frames_and_timing(dir / (name + ".mp4"), dir / (name + ".gif"));
  }
}

TEST(StylizeVideoGifCli, FailuresLeaveNoGifBehind) {
  ScratchDir dir;
  write_tiny_model(dir / "tiny.cgm");
  write_synthetic_clip(dir / "in.mkv", small_clip(12));
  std::ofstream(dir / "blocker") << "a file where the output folder should be";
  {
    std::ifstream in(dir / "in.mkv", std::ios::binary);
    std::string mkv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir / "truncated.mkv", std::ios::binary) << mkv.substr(0, mkv.size() / 2);
  }
  const std::vector<std::string> before = dir.entries();

  // The output folder cannot be made: refused before any work.
  CliRun run = stylize_to(dir, "in.mkv", "blocker/out.gif");
  EXPECT_EQ(run.status, 1) << run.output;
  EXPECT_EQ(run.output.rfind("comicgan: error: ", 0), 0u) << run.output;
  // The input ends in the middle: the GIF was being written when the error came.
  run = stylize_to(dir, "truncated.mkv", "out.gif");
  EXPECT_EQ(run.status, 1) << run.output;
  EXPECT_NE(run.output.find("truncated"), std::string::npos) << run.output;

  EXPECT_EQ(dir.entries(), before);  // no out.gif, no hidden temporary
}
