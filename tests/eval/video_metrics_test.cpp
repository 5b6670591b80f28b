// eval::video_report: the eval module's view of `comicgan eval video` (timing agreement and the
// warping error on a 0..1 scale).
#include "eval/video_metrics.h"

#include <gtest/gtest.h>

#include "../video/video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

TEST(EvalVideoReport, TimingAgreesAndFlickerIsOnAUnitScale) {
  ScratchDir dir;
  SyntheticClip clip = small_clip(10);
  write_synthetic_clip(dir / "in.mp4", clip);
  StylizeVideoJob job;
  job.input = dir / "in.mp4";
  job.output = dir / "out.mp4";
  job.handle_sigint = false;
  stylize_video(job, tiny_stylizer());
  eval::VideoReport r = eval::video_report(dir / "in.mp4", dir / "out.mp4");
  EXPECT_EQ(r.frames_in, 10);
  EXPECT_EQ(r.frames_out, 10);
  EXPECT_TRUE(r.timing_equal);
  EXPECT_EQ(r.max_timestamp_difference_s, 0.0);
  EXPECT_NEAR(r.duration_in_s, 10 * 1001 / 30000.0, 1e-9);
  EXPECT_EQ(r.duration_in_s, r.duration_out_s);
  EXPECT_GT(r.warping_error, 0.0);
  EXPECT_LT(r.warping_error, 0.5);
  // Against itself: no flicker beyond what warping the moving picture leaves.
  EXPECT_LT(eval::video_report(dir / "in.mp4", dir / "in.mp4").warping_error, r.warping_error);
}
