// The video pipeline owns no signal handling: it leaves SIGINT and SIGTERM as it found them, is
// stopped through its cancel flag (see VideoErrors.InterruptedRun...), and tells the caller the
// temporary it writes, so a caller that must exit at once can remove it.
#include <signal.h>

#include "video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

namespace {

using Handler = void (*)(int);
Handler handler_of(int signal) {
  struct sigaction now {};
  ::sigaction(signal, nullptr, &now);
  return now.sa_handler;
}

}  // namespace

TEST(VideoCancel, InstallsNoSignalHandlerAndNamesItsTemporary) {
  const Handler sigint = handler_of(SIGINT), sigterm = handler_of(SIGTERM);
  ScratchDir dir;
  write_synthetic_clip(dir / "in.mp4", small_clip(12));
  auto job = job_for(dir / "in.mp4", dir / "out.mp4");
  job.batch = 2;
  std::vector<std::string> temporaries;
  job.on_temporary = [&](const std::string& path) { temporaries.push_back(path); };
  int calls = 0, untouched = 0, temporary_there = 0;
  auto report = stylize_video(job, identity_stylizer(), {}, [&](const VideoProgress&) {
    ++calls;
    untouched += handler_of(SIGINT) == sigint && handler_of(SIGTERM) == sigterm;
    temporary_there += temporaries.size() == 1 && fs::exists(temporaries[0]);
  });
  EXPECT_EQ(report.frames, 12);
  ASSERT_GT(calls, 0);
  EXPECT_EQ(untouched, calls) << "a signal handler was installed while stylizing";
  EXPECT_EQ(temporary_there, calls) << "the temporary named is not where the frames go";
  ASSERT_EQ(temporaries.size(), 1u);
  // A hidden file beside the target, gone once the target is in place.
  EXPECT_EQ(fs::path(temporaries[0]).parent_path(), dir.path());
  EXPECT_EQ(fs::path(temporaries[0]).filename().string()[0], '.');
  EXPECT_FALSE(fs::exists(temporaries[0]));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"in.mp4", "out.mp4"}));
}
