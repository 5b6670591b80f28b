// FFmpeg objects are owned by handles, so an error thrown half-way frees them: a clip write that
// fails after its scaler was made (the reader of its FIFO goes away) leaves the heap as it was.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "comicgan/error.h"
#include "video/av_handles.h"
#include "video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

TEST(VideoHandles, AClipWriteThatFailsHalfWayFreesWhatItMade) {
  ScratchDir dir;
  const std::string fifo = dir / "clip.mkv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The writer sees EPIPE, not SIGPIPE, once the reader is gone.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  SyntheticClip clip;
  clip.frames = 600;  // far more than a pipe holds: the write must fail inside the frame loop
  // The reader is a process, not a thread: a new thread's own malloc arena would count in the
  // heap measured here.
  auto write_until_the_reader_leaves = [&] {
    pid_t reader = ::fork();
    ASSERT_GE(reader, 0);
    if (reader == 0) {  // async-signal-safe calls only
      int fd = ::open(fifo.c_str(), O_RDONLY);
      char first[4096];
      ssize_t got = fd >= 0 ? ::read(fd, first, sizeof first) : -1;
      (void)got;
      ::_exit(0);
    }
    EXPECT_THROW(write_synthetic_clip(fifo, clip), Error);
    // Should the write have failed before opening the FIFO, the reader still waits for a writer.
    int release = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (release >= 0) ::close(release);
    ASSERT_EQ(::waitpid(reader, nullptr, 0), reader);
  };
  write_until_the_reader_leaves();  // FFmpeg's one-time tables
  write_until_the_reader_leaves();
  const size_t before = mallinfo2().uordblks;
  constexpr int kTries = 8;
  for (int i = 0; i < kTries; ++i) write_until_the_reader_leaves();
  const size_t after = mallinfo2().uordblks;
  ::sigaction(SIGPIPE, &previous, nullptr);
  // A leaked 96x64 scaler is about 90 KB a write here. malloc's own caches of freed blocks
  // count as in use too and settle in over the first writes (15 KB, then a few KB, then none).
  const double growth = (double(after) - double(before)) / kTries;
  EXPECT_LT(growth, 24 * 1024) << "the heap grew by " << growth << " bytes a write";
}

// FFmpeg's log level is the caller's choice, not an environment variable's: quiet unless asked.
TEST(VideoHandles, FfmpegLogIsQuietUnlessTheCallerShowsIt) {
  const int previous = av_log_get_level();
  quiet_ffmpeg_log();
  EXPECT_EQ(av_log_get_level(), AV_LOG_QUIET);
  show_ffmpeg_log(true);
  EXPECT_EQ(av_log_get_level(), AV_LOG_INFO);
  quiet_ffmpeg_log();  // what opening a reader or writer does
  EXPECT_EQ(av_log_get_level(), AV_LOG_INFO);
  show_ffmpeg_log(false);
  EXPECT_EQ(av_log_get_level(), AV_LOG_QUIET);
  av_log_set_level(previous);
}
