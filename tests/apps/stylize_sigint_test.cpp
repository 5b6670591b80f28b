// Ctrl-C while `comicgan stylize` writes a video: the first SIGINT stops reading and leaves a
// playable file with the frames done; a second one leaves nothing. Whatever happens, the target
// is never a corrupt file and no temporary is left behind.
//
// Deterministic, without hooks in the program: the clip reaches the CLI through a FIFO, so the
// test decides how much of it exists. It feeds the first part only, waits for the first progress
// line (a frame was stylized) and until the CLI's reader sits in read() on the FIFO (it can go
// no further, so it cannot finish early), then signals it.
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <memory>

#include "apps/cli_child.h"
#include "video/video_test_support.h"

using namespace comicgan;
using namespace comicgan::testing;
using namespace comicgan::video;
using namespace comicgan::video::testing;

namespace {

constexpr int kFrames = 600;  // 20 s: probing reads a few seconds ahead, half is fed at first

// The target is absent, or a file whose frames carry the input's first timestamps; the folder
// holds nothing hidden (no temporary). Returns the frames in the target (0 when absent).
size_t expect_whole_or_absent(const ScratchDir& dir, const std::string& in,
                              const std::string& out) {
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

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// `comicgan stylize FIFO -o out`, fed by the test.
class FedStylize {
 public:
  FedStylize(const ScratchDir& dir, const std::string& clip, const std::string& out)
      : fifo_(dir / "fed.mkv"), bytes_(file_bytes(clip)) {
    EXPECT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
    child_ = std::make_unique<CliChild>(std::vector<std::string>{
        "stylize", fifo_, "-o", out, "--model", dir / "tiny.cgm", "--threads", "1"});
    // Our writes to a FIFO the child has closed fail with EPIPE instead of ending the test.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous_sigpipe_);
  }
  ~FedStylize() {
    if (fd_ >= 0) ::close(fd_);
    ::sigaction(SIGPIPE, &previous_sigpipe_, nullptr);
  }
  CliChild& child() { return *child_; }

  // Feeds bytes up to `until` (less if the child stops reading), reading the child's output
  // meanwhile, until `done()` holds; false if the child ended or closed the FIFO first.
  bool feed(size_t until, const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (fd_ < 0) {
        // Non-blocking: fails (ENXIO) until the child opens the FIFO for reading.
        fd_ = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd_ < 0 && errno != ENXIO) return false;
      }
      pollfd p[2] = {{child_->output_fd(), POLLIN, 0},
                     {fd_, short(sent_ < until ? POLLOUT : 0), 0}};
      // Short waits where only the child's state is looked at (the FIFO opened, its reader
      // blocked): each is a look, not an assumption.
      ::poll(p, fd_ >= 0 ? 2 : 1, fd_ >= 0 && sent_ < until ? 1000 : 10);
      if (!child_->read_available()) return done();
      if (fd_ >= 0 && sent_ < until && (p[1].revents & POLLOUT)) {
        ssize_t n = ::write(fd_, bytes_.data() + sent_, std::min<size_t>(until - sent_, 4096));
        if (n > 0) sent_ += size_t(n);
        if (n < 0 && errno == EPIPE) return done();
      }
      if (fd_ >= 0 && (p[1].revents & POLLERR)) return done();
    }
    return true;
  }
  // The rest of the clip (as far as the child takes it), then end of file.
  void feed_the_rest_and_close() {
    feed(bytes_.size(), [&] { return sent_ == bytes_.size(); });
    ::close(fd_);
    fd_ = -1;
  }
  size_t size() const { return bytes_.size(); }
  const std::string& fifo() const { return fifo_; }

 private:
  std::string fifo_, bytes_;
  std::unique_ptr<CliChild> child_;
  int fd_ = -1;
  size_t sent_ = 0;
  struct sigaction previous_sigpipe_ {};
};

class StylizeCliSigint : public ::testing::Test {
 protected:
  void SetUp() override {
    write_synthetic_clip(dir_ / "in.mkv", small_clip(kFrames));
    write_tiny_model(dir_ / "tiny.cgm");
  }
  // Starts the CLI, feeds half the clip, and returns once a frame is stylized and the CLI waits
  // for more input. -1: /proc cannot tell where it waits.
  int start_and_wait_for_the_fifo(FedStylize& run) {
    bool progress = run.feed(run.size() / 2, [&] { return run.child().contains("frames/s"); });
    EXPECT_TRUE(progress) << "no progress line:\n" << run.child().output();
    if (!progress) return 0;
    int blocked = 0;
    run.feed(0, [&] {
      blocked = blocked_reading(run.child().pid(), run.fifo());
      return blocked != 0;
    });
    EXPECT_NE(blocked, 0) << run.child().output();
    return blocked;
  }
  ScratchDir dir_;
};

}  // namespace

TEST_F(StylizeCliSigint, OnceFinishesAPlayableFileWithTheFramesDone) {
  const std::string out = dir_ / "out.mp4";
  FedStylize run(dir_, dir_ / "in.mkv", out);
  ASSERT_TRUE(run.child().started());
  start_and_wait_for_the_fifo(run);  // (only the progress line matters here)
  ASSERT_EQ(::kill(run.child().pid(), SIGINT), 0);
  ASSERT_TRUE(run.child().wait_for("interrupted; finishing")) << run.child().output();
  run.feed_the_rest_and_close();  // the read it was in returns; it stops before the next
  EXPECT_EQ(run.child().finish(), 130) << run.child().output();
  size_t frames = expect_whole_or_absent(dir_, dir_ / "in.mkv", out);
  EXPECT_GT(frames, 0u) << "the first SIGINT should keep the frames done";
  EXPECT_LT(frames, size_t(kFrames));
  EXPECT_TRUE(run.child().contains("holds the first " + std::to_string(frames) + " frames"))
      << run.child().output();
}

TEST_F(StylizeCliSigint, TwiceLeavesNothing) {
  const std::string out = dir_ / "out.mp4";
  FedStylize run(dir_, dir_ / "in.mkv", out);
  ASSERT_TRUE(run.child().started());
  int blocked = start_and_wait_for_the_fifo(run);
  if (blocked < 0) GTEST_SKIP() << "/proc/PID/task/*/syscall is not readable here";
  ASSERT_EQ(blocked, 1);
  // Waiting on the FIFO, the CLI cannot finish between the two signals.
  ASSERT_EQ(::kill(run.child().pid(), SIGINT), 0);
  ASSERT_TRUE(run.child().wait_for("interrupted; finishing")) << run.child().output();
  ASSERT_EQ(::kill(run.child().pid(), SIGINT), 0);
  EXPECT_EQ(run.child().finish(), 130) << run.child().output();
  EXPECT_TRUE(run.child().contains("interrupted twice; nothing written")) << run.child().output();
  EXPECT_EQ(expect_whole_or_absent(dir_, dir_ / "in.mkv", out), 0u);
  EXPECT_FALSE(fs::exists(out));
}
