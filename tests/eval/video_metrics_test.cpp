// `comicgan eval video`: the warping error of a video against itself is the flow's floor, a
// flickering copy scores far worse, and dropped frames or a changed frame rate break timing.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "comicgan/error.h"
#include "eval/eval_fixtures.h"
#include "eval/reference.h"
#include "eval/video_metrics.h"
#include "eval/warping_error.h"
#include "test_paths.h"

using namespace comicgan;
using namespace comicgan::eval_test;

namespace {

constexpr int kFrames = 12;

// A textured scene panning right 2 pixels a frame with a disc moving down across it.
cv::Mat scene(int t) {
  cv::Mat m(48, 64, CV_8UC3);
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x) {
      int u = x + 2 * t;
      m.at<cv::Vec3b>(y, x) =
          cv::Vec3b(uchar(128 + 90 * std::sin(u * 0.31) * std::cos(y * 0.23)),
                    uchar(128 + 80 * std::sin(u * 0.17 + y * 0.29)), uchar((u * 5 + y * 3) % 256));
    }
  cv::circle(m, cv::Point(40, 6 + 3 * t), 7, cv::Scalar(30, 200, 250), -1);
  return m;
}

// Writes the frames `frame(t)` for the t that `keep` accepts, losslessly (FFV1).
std::string write_video(
    const fs::path& path, double fps, const std::function<cv::Mat(int)>& frame,
    const std::function<bool(int)>& keep = [](int) { return true; }) {
  cv::VideoWriter writer(path.string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('F', 'F', 'V', '1'),
                         fps, cv::Size(64, 48));
  if (!writer.isOpened()) return "";
  for (int t = 0; t < kFrames; ++t)
    if (keep(t)) writer.write(frame(t));
  return path.string();
}

struct Videos {
  fs::path dir = temp_folder("video");
  std::string source = write_video(dir / "in.avi", 10, scene);
  ~Videos() { fs::remove_all(dir); }
};

}  // namespace

TEST(EvalVideo, PairWarpingErrorMatchesNumpyWithGivenFlows) {
  auto ref = load_reference("warping_reference.pt");
  auto mat = [](const at::Tensor& t, int type) {
    at::Tensor c = t.contiguous();
    return cv::Mat(int(c.size(0)), int(c.size(1)), type, c.data_ptr()).clone();
  };
  cv::Mat previous = mat(ref.at("previous"), CV_8UC3), current = mat(ref.at("current"), CV_8UC3);
  cv::Mat backward = mat(ref.at("backward"), CV_32FC2), forward = mat(ref.at("forward"), CV_32FC2);
  auto r = eval::pair_warping_error(previous, current, backward, forward);
  EXPECT_EQ(r.trusted, ref.at("valid").sum().item<int64_t>());
  EXPECT_NEAR(r.error, scalar(ref, "error"), 1e-6);
  // Warping the other way (a sign error in the flow's use) is far off.
  auto wrong = eval::pair_warping_error(previous, current, forward, backward);
  EXPECT_GT(std::abs(wrong.error - scalar(ref, "error")), 10 * scalar(ref, "error"));
}

TEST(EvalVideo, AVideoAgainstItselfHasTheFlowsFloorAndEqualTiming) {
  Videos v;
  if (v.source.empty()) GTEST_SKIP() << "this OpenCV cannot write FFV1 video through FFmpeg";
  auto r = eval::video_report(v.source, v.source);
  EXPECT_EQ(r.frames_in, kFrames);
  EXPECT_EQ(r.frames_out, kFrames);
  EXPECT_NEAR(r.fps_in, 10, 1e-6);
  EXPECT_NEAR(r.duration_in_s, 1.2, 1e-6);
  EXPECT_NEAR(r.duration_out_s, 1.2, 1e-6);
  EXPECT_TRUE(r.timing_equal);
  EXPECT_EQ(r.max_timestamp_difference_s, 0);
  EXPECT_DOUBLE_EQ(r.warping_error, r.input_warping_error);
  // The flow follows the pan and the disc: what is left is interpolation error.
  EXPECT_LT(r.warping_error, 0.03);
  EXPECT_EQ(r.analysis_width, 64);
  EXPECT_EQ(r.analysis_height, 48);
}

TEST(EvalVideo, FlickerRaisesTheWarpingErrorAboveTheFloor) {
  Videos v;
  if (v.source.empty()) GTEST_SKIP() << "this OpenCV cannot write FFV1 video through FFmpeg";
  // Every other frame 40 levels brighter: what a per-frame stylizer without temporal care does.
  auto flicker = write_video(v.dir / "flicker.avi", 10, [](int t) {
    cv::Mat m = scene(t);
    if (t % 2) m += cv::Scalar::all(40);
    return m;
  });
  auto steady = eval::video_report(v.source, v.source);
  auto r = eval::video_report(v.source, flicker);
  EXPECT_TRUE(r.timing_equal);
  EXPECT_GT(r.warping_error, 0.1);
  EXPECT_GT(r.warping_error, 5 * steady.warping_error);
  EXPECT_DOUBLE_EQ(r.input_warping_error, steady.input_warping_error);  // same source, same flow
}

TEST(EvalVideo, DroppedFramesAndAnotherFrameRateBreakTiming) {
  Videos v;
  if (v.source.empty()) GTEST_SKIP() << "this OpenCV cannot write FFV1 video through FFmpeg";
  auto dropped = write_video(v.dir / "dropped.avi", 10, scene, [](int t) { return t != 5; });
  auto r = eval::video_report(v.source, dropped);
  EXPECT_EQ(r.frames_in, kFrames);
  EXPECT_EQ(r.frames_out, kFrames - 1);
  EXPECT_FALSE(r.timing_equal);

  auto slow = write_video(v.dir / "slow.avi", 5, scene);
  r = eval::video_report(v.source, slow);
  EXPECT_EQ(r.frames_out, kFrames);
  EXPECT_FALSE(r.timing_equal);
  EXPECT_NEAR(r.duration_out_s, 2.4, 1e-6);
  EXPECT_NEAR(r.max_timestamp_difference_s, 1.1, 1e-6);  // the last frame: 2.2 s vs 1.1 s
}

TEST(EvalVideo, CliPrintsTheReportAndWritesJson) {
  Videos v;
  if (v.source.empty()) GTEST_SKIP() << "this OpenCV cannot write FFV1 video through FFmpeg";
  auto json_path = v.dir / "video.json";
  auto r = run_command(std::string(COMICGAN_CLI) + " eval video " + v.source + " " + v.source +
                       " --json " + json_path.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("flicker (warping error"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("timing: equal"), std::string::npos) << r.output;
  std::ifstream in(json_path);
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["frames_in"], kFrames);
  EXPECT_TRUE(j["timing_equal"].get<bool>());

  r = run_command(std::string(COMICGAN_CLI) + " eval video " + v.source + " /nonexistent.mp4");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("/nonexistent.mp4: no such video file"), std::string::npos) << r.output;
  auto text = v.dir / "not_a_video.mp4";
  std::ofstream(text) << "hello";
  r = run_command(std::string(COMICGAN_CLI) + " eval video " + v.source + " " + text.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("cannot open it as a video"), std::string::npos) << r.output;
}
