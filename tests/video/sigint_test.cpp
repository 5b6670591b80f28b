// SIGINT while stylizing a video: the first one stops reading and leaves a playable file with
// the frames done (or nothing); whatever happens, the target is never a corrupt file and no
// temporary is left behind.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

namespace {

// The target is absent, or a file whose frames carry the input's first timestamps; the folder
// holds nothing hidden (no temporary). Returns the frames in the target (0 when absent).
size_t expect_whole_or_absent(const ScratchDir& dir, const std::string& in, const std::string& out) {
  for (const auto& entry : dir.entries()) EXPECT_NE(entry[0], '.') << "left behind: " << entry;
  if (!fs::exists(out)) return 0;
  VideoInfo in_info, out_info;
  auto a = read_frames(in, &in_info);
  auto b = read_frames(out, &out_info);  // throws if damaged
  EXPECT_LE(b.size(), a.size());
  for (size_t i = 0; i < b.size() && i < a.size(); ++i)
    EXPECT_TRUE(same_time(a[i].pts, in_info.time_base, b[i].pts, out_info.time_base)) << i;
  return b.size();
}

}  // namespace

TEST(VideoSigint, FirstSigintFinishesAPlayableFileWithTheFramesDone) {
  ScratchDir dir;
  SyntheticClip clip = small_clip(30);
  write_synthetic_clip(dir / "in.mp4", clip);
  StylizeVideoJob job;
  job.input = dir / "in.mp4";
  job.output = dir / "out.mp4";
  job.batch = 2;
  job.handle_sigint = true;  // the real handler, the real signal
  bool raised = false;
  auto report = stylize_video(job, identity_stylizer(), {}, [&](const VideoProgress& p) {
    if (p.done >= 6 && !raised) {
      raised = true;
      ::raise(SIGINT);
    }
  });
  EXPECT_TRUE(report.interrupted);
  ASSERT_TRUE(report.written);
  EXPECT_LT(report.frames, 30);
  EXPECT_EQ(expect_whole_or_absent(dir, dir / "in.mp4", dir / "out.mp4"), size_t(report.frames));
  // The handler is gone again: the default action would end this test binary, so only check it
  // is not ours.
  struct sigaction now {};
  ::sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST(VideoSigint, CliInterruptedOnceOrTwiceNeverLeavesACorruptTarget) {
  ScratchDir dir;
  SyntheticClip clip = small_clip(240);
  write_synthetic_clip(dir / "in.mp4", clip);
  write_tiny_model(dir / "tiny.cgm");
  for (int signals : {1, 2}) {
    std::string out = dir / ("out" + std::to_string(signals) + ".mp4");
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      freopen("/dev/null", "w", stderr);
      execl(COMICGAN_CLI, COMICGAN_CLI, "stylize", (dir / "in.mp4").c_str(), "-o", out.c_str(),
            "--model", (dir / "tiny.cgm").c_str(), "--threads", "1", static_cast<char*>(nullptr));
      _exit(127);
    }
    // Wait until the temporary output exists (the pipeline is running), then interrupt.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool started = false;
    while (!started && std::chrono::steady_clock::now() < deadline) {
      for (const auto& entry : dir.entries()) started = started || entry[0] == '.';
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (int i = 0; i < signals; ++i) {
      kill(pid, SIGINT);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130) << signals << " SIGINT(s)";
    size_t frames = expect_whole_or_absent(dir, dir / "in.mp4", out);
    EXPECT_LT(frames, 240u);
    if (signals == 1) EXPECT_GT(frames, 0u) << "the first SIGINT should keep the frames done";
  }
}
