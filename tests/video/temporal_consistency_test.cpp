// Flicker: the flow filter lowers the warping error of a stylized clip with motion, resets at a
// scene cut, and the metric itself sees no flicker in a clip that only moves.
#include "video/temporal_consistency.h"

#include "eval/warping_error.h"
#include "video/video_comparison.h"
#include "video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

TEST(TemporalConsistency, FlowDetectsTheMotionAndTheSceneCut) {
  SyntheticClip clip;
  clip.scene_cut_at = 4;
  FlowEstimator flow;
  FlowField moving = flow.between(synthetic_frame(clip, 1), synthetic_frame(clip, 2));
  EXPECT_FALSE(moving.scene_cut);
  EXPECT_GT(moving.visible_fraction, 0.7);
  // The background pans by (1, 0.4) px per frame: frame t's pixel came from x + (1, 0.4) in t-1
  // (read away from the object, which moves 2.5x as fast).
  cv::Scalar background = cv::mean(moving.backward(cv::Rect(60, 46, 30, 14)));
  EXPECT_NEAR(background[0], 1.0, 0.2);
  EXPECT_GT(background[1], 0.1);  // (the texture leaves the vertical part loosely determined)
  FlowField cut = flow.between(synthetic_frame(clip, 3), synthetic_frame(clip, 4));
  EXPECT_TRUE(cut.scene_cut);
}

TEST(TemporalConsistency, WarpingErrorMeasuresFlickerNotMotion) {
  // The same moving clip, once as it is and once with every other frame 12 levels brighter:
  // the metric must see the flicker on top of what warping the moving picture itself leaves.
  SyntheticClip clip;
  eval::WarpingErrorMeter steady, flickering;
  for (int i = 0; i < 8; ++i) {
    Image frame = synthetic_frame(clip, i), flicker = frame;
    if (i % 2)
      for (auto& p : flicker.pixels) p = uint8_t(std::min(255, p + 12));
    steady.add(frame, frame);
    flickering.add(frame, flicker);
  }
  EXPECT_EQ(steady.result().pairs, 7);
  EXPECT_EQ(steady.result().output, steady.result().input);
  EXPECT_LT(steady.result().output, 6.0 / 255);
  EXPECT_GT(flickering.result().output, steady.result().output + 6.0 / 255);
  EXPECT_EQ(flickering.result().input, steady.result().input);  // the input's flow either way
}

TEST(TemporalConsistency, FlowBlendingLowersWarpingErrorOfStylizedFrames) {
  ScratchDir dir;
  SyntheticClip clip;
  clip.frames = 20;
  clip.scene_cut_at = 12;
  write_synthetic_clip(dir / "in.mp4", clip);
  double error[2];
  for (bool consistency : {false, true}) {
    auto job = job_for(dir / "in.mp4", dir / (consistency ? "flow.mp4" : "off.mp4"));
    job.consistency = consistency;
    stylize_video(job, tiny_stylizer());
    error[consistency] = compare_videos(job.input, job.output).warping.output;
  }
  // (37% lower here: the measure also counts the pair across the cut, which both score alike.)
  EXPECT_LT(error[1], 0.75 * error[0]) << "off " << error[0] << ", flow " << error[1];
}

TEST(TemporalConsistency, BlenderStartsOverAtSceneCutsAndOnTheFirstFrame) {
  SyntheticClip clip;
  Image a = synthetic_frame(clip, 0), b = synthetic_frame(clip, 1);
  TemporalBlender blender;
  Image first = blender.apply(a, nullptr);
  EXPECT_EQ(first.pixels, a.pixels);
  FlowField cut = FlowEstimator().between(a, b);
  cut.scene_cut = true;
  EXPECT_EQ(blender.apply(b, &cut).pixels, b.pixels);
}
