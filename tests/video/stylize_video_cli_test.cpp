// The CLI end to end: `comicgan stylize clip.mp4 -o out.mp4 ...` dispatches to the video
// pipeline, prints progress, and `comicgan eval video` reports timing agreement and flicker.
#include <fstream>

#include "video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

TEST(StylizeVideoCli, StylizesAClipAndEvalVideoAgreesOnTiming) {
  ScratchDir dir;
  SyntheticClip clip;
  clip.frames = 16;
  write_synthetic_clip(dir / "in.mp4", clip);
  write_tiny_model(dir / "tiny.cgm");
  CliRun run = run_cli("stylize " + (dir / "in.mp4") + " -o " + (dir / "out.mp4") + " --model " +
                       (dir / "tiny.cgm") + " --consistency flow --crf 20 --threads 1");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("frames/s"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("stylized 16 frames"), std::string::npos) << run.output;

  run = run_cli("eval video " + (dir / "in.mp4") + " " + (dir / "out.mp4"));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("frames: 16 in, 16 out"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("timing: equal"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("warping error"), std::string::npos) << run.output;
}

// Flicker removal is on unless the user turns it off: the default output is the flow output,
// and it differs from the frames stylized alone.
TEST(StylizeVideoCli, ConsistencyDefaultsToFlow) {
  ScratchDir dir;
  write_synthetic_clip(dir / "in.mp4", small_clip(6));
  write_tiny_model(dir / "tiny.cgm");
  auto frames = [&](const std::string& name, const std::string& flags) {
    CliRun run = run_cli("stylize " + (dir / "in.mp4") + " -o " + (dir / name) + " --model " +
                         (dir / "tiny.cgm") + " --threads 1" + flags);
    EXPECT_EQ(run.status, 0) << run.output;
    std::vector<std::string> bytes;
    for (int i = 1; i <= 6; ++i) {
      char file[32];
      std::snprintf(file, sizeof file, "frame_%06d.png", i);
      std::ifstream in(fs::path(dir / name) / file, std::ios::binary);
      EXPECT_TRUE(in) << name << "/" << file;
      bytes.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
  };
  auto by_default = frames("default", "");
  EXPECT_EQ(by_default, frames("flow", " --consistency flow"));
  auto off = frames("off", " --consistency off");
  EXPECT_EQ(by_default[0], off[0]);  // the first frame has no previous one to blend with
  EXPECT_NE(by_default, off);
}

TEST(StylizeVideoCli, CorruptVideoIsOneLineErrorAndExitOne) {
  ScratchDir dir;
  std::ofstream(dir / "bad.mkv") << std::string(3000, 'z');
  write_tiny_model(dir / "tiny.cgm");
  CliRun run = run_cli("stylize " + (dir / "bad.mkv") + " -o " + (dir / "out.mp4") + " --model " +
                       (dir / "tiny.cgm"));
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.output.rfind("comicgan: error: ", 0), 0u) << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
  EXPECT_FALSE(fs::exists(dir / "out.mp4"));
}
