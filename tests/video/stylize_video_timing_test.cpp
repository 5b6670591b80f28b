// Exact timing through the video pipeline: frame count, every timestamp and the duration of the
// output equal the input's (29.97 fps, variable frame rate, rotation), and audio packets are
// copied byte for byte.
#include <opencv2/core.hpp>

#include "io/image_mat.h"
#include "video/video_comparison.h"
#include "video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

namespace {

// `exact`: every timestamp equal as a rational number (MP4). Otherwise (Matroska, WebM, which
// shift all streams so none starts below zero) equal from the first frame on, to the container's
// 1 ms precision.
void expect_same_timing(const std::string& in, const std::string& out, bool exact = true) {
  VideoInfo in_info, out_info;
  auto a = read_frames(in, &in_info);
  auto b = read_frames(out, &out_info);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; exact && i < a.size(); ++i)
    EXPECT_TRUE(same_time(a[i].pts, in_info.time_base, b[i].pts, out_info.time_base))
        << "frame " << i << ": " << a[i].pts << "*" << in_info.time_base.num << "/"
        << in_info.time_base.den << " vs " << b[i].pts << "*" << out_info.time_base.num << "/"
        << out_info.time_base.den;
  if (exact) EXPECT_NEAR(in_info.duration_s, out_info.duration_s, 1e-6);
  auto c = compare_videos(in, out);
  EXPECT_TRUE(c.frame_count_equal() && c.timestamps_equal() && c.span_equal())
      << format_comparison(c);
  if (exact) EXPECT_EQ(c.start_offset_s, 0.0);
}

void expect_same_audio(const std::string& in, const std::string& out, double offset_s = 0) {
  AVCodecID codec_in, codec_out;
  auto a = read_packets(in, AVMEDIA_TYPE_AUDIO, &codec_in);
  auto b = read_packets(out, AVMEDIA_TYPE_AUDIO, &codec_out);
  EXPECT_EQ(codec_in, codec_out);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].data, b[i].data) << "audio packet " << i;
    double ta = double(a[i].pts) * av_q2d(a[i].time_base) + offset_s;
    double tb = double(b[i].pts) * av_q2d(b[i].time_base);
    EXPECT_NEAR(ta, tb, offset_s == 0 ? 1e-9 : 0.0005) << "audio packet " << i;
  }
}

}  // namespace

TEST(StylizeVideoTiming, NtscRateKeepsFramesTimestampsDurationAndAudioBytes) {
  ScratchDir dir;
  SyntheticClip clip;  // 96x64, 24 frames, 30000/1001, AAC tone
  write_synthetic_clip(dir / "in.mp4", clip);
  auto report = stylize_video(job_for(dir / "in.mp4", dir / "out.mp4"), tiny_stylizer());
  EXPECT_EQ(report.frames, 24);
  EXPECT_FALSE(report.interrupted);
  expect_same_timing(dir / "in.mp4", dir / "out.mp4");
  expect_same_audio(dir / "in.mp4", dir / "out.mp4");
  VideoInfo info;
  read_frames(dir / "out.mp4", &info);
  EXPECT_EQ(info.frame_rate.num, 30000);
  EXPECT_EQ(info.frame_rate.den, 1001);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"in.mp4", "out.mp4"}));

  // Matroska cannot start below zero: the AAC encoder delay (first audio packet at -1024
  // samples) shifts every stream alike, so audio and video keep their distance.
  stylize_video(job_for(dir / "in.mp4", dir / "out.mkv"), tiny_stylizer());
  expect_same_timing(dir / "in.mp4", dir / "out.mkv", false);
  double offset = compare_videos(dir / "in.mp4", dir / "out.mkv").start_offset_s;
  EXPECT_NEAR(offset, 1024.0 / 44100, 0.0006);
  expect_same_audio(dir / "in.mp4", dir / "out.mkv", offset);
}

TEST(StylizeVideoTiming, VariableFrameRateIsCarriedNotRetimed) {
  ScratchDir dir;
  SyntheticClip clip;
  clip.frames = 20;
  clip.pts.clear();
  int64_t t = 0;
  for (int i = 0; i < clip.frames; ++i) {  // 1, 2 or 3 frame periods apart, irregularly
    clip.pts.push_back(t);
    t += 1001 * (1 + (i * 7 % 3));
  }
  write_synthetic_clip(dir / "vfr.mp4", clip);
  stylize_video(job_for(dir / "vfr.mp4", dir / "out.mp4"), tiny_stylizer());
  expect_same_timing(dir / "vfr.mp4", dir / "out.mp4");
  expect_same_audio(dir / "vfr.mp4", dir / "out.mp4");
  auto frames = read_frames(dir / "vfr.mp4");
  for (size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(frames[i].pts, clip.pts[i]);
}

TEST(StylizeVideoTiming, RotatedClipIsStylizedUprightAndWrittenUpright) {
  ScratchDir dir;
  SyntheticClip clip;
  clip.frames = 6;
  clip.rotation = 90;
  write_synthetic_clip(dir / "rot.mp4", clip);
  VideoInfo in_info;
  auto in_frames = read_frames(dir / "rot.mp4", &in_info);
  EXPECT_EQ(in_info.rotation, 90);
  EXPECT_EQ(in_info.width, 64);
  EXPECT_EQ(in_info.height, 96);
  // Upright means the stored picture turned clockwise.
  Image stored = synthetic_frame(clip, 3), upright(64, 96, 3);
  cv::Mat dst = io::rgb_mat_view(upright);
  cv::rotate(io::rgb_mat_view(stored), dst, cv::ROTATE_90_CLOCKWISE);
  EXPECT_LT(mean_abs_diff(in_frames[3].rgb, upright), 6.0);

  auto job = job_for(dir / "rot.mp4", dir / "out.mp4");
  job.encode.crf = 0;
  stylize_video(job, identity_stylizer());
  VideoInfo out_info;
  auto out_frames = read_frames(dir / "out.mp4", &out_info);
  EXPECT_EQ(out_info.rotation, 0);  // no display matrix: the pixels are upright
  EXPECT_EQ(out_info.width, 64);
  EXPECT_EQ(out_info.height, 96);
  EXPECT_LT(mean_abs_diff(out_frames[3].rgb, in_frames[3].rgb), 3.0);
  expect_same_timing(dir / "rot.mp4", dir / "out.mp4");
}

TEST(StylizeVideoTiming, WebmReencodesAudioAndSaysSoGifKeepsFrames) {
  ScratchDir dir;
  SyntheticClip clip;
  clip.frames = 12;
  write_synthetic_clip(dir / "in.mp4", clip);
  std::vector<std::string> notes;
  auto note = [&](const std::string& n) { notes.push_back(n); };
  stylize_video(job_for(dir / "in.mp4", dir / "out.webm"), tiny_stylizer(), note);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("re-encoding audio stream #1 (aac)"), std::string::npos) << notes[0];
  expect_same_timing(dir / "in.mp4", dir / "out.webm", false);
  AVCodecID codec;
  EXPECT_FALSE(read_packets(dir / "out.webm", AVMEDIA_TYPE_AUDIO, &codec).empty());
  EXPECT_TRUE(codec == AV_CODEC_ID_OPUS || codec == AV_CODEC_ID_VORBIS);

  notes.clear();
  stylize_video(job_for(dir / "in.mp4", dir / "out.gif"), tiny_stylizer(), note);
  EXPECT_EQ(notes.size(), 2u);  // audio dropped, times rounded to 1/100 s
  auto c = compare_videos(dir / "in.mp4", dir / "out.gif");
  EXPECT_EQ(c.output_frames, 12);
  EXPECT_LE(c.max_timestamp_gap_s, 0.005 + 1e-9);
}

TEST(StylizeVideoTiming, FrameFoldersInAndOut) {
  ScratchDir dir;
  SyntheticClip clip;
  clip.frames = 5;
  write_synthetic_clip(dir / "in.mp4", clip);
  stylize_video(job_for(dir / "in.mp4", dir / "frames"), tiny_stylizer());
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir / "frames")) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[0], "frame_000001.png");

  auto job = job_for(dir / "frames", dir / "back.mp4");
  job.folder_fps = {24000, 1001};
  stylize_video(job, identity_stylizer());
  VideoInfo info;
  auto frames = read_frames(dir / "back.mp4", &info);
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_TRUE(same_time(frames[4].pts, info.time_base, 4 * 1001, {1, 24000}));
}

TEST(StylizeVideoTiming, SubtitlesAreCopiedPacketForPacketOrDroppedWithANote) {
  ScratchDir dir;
  SyntheticClip clip = small_clip(20);
  clip.subtitles = true;
  write_synthetic_clip(dir / "in.mp4", clip);  // mov_text
  write_synthetic_clip(dir / "in.mkv", clip);  // SubRip
  std::vector<std::string> notes;
  auto note = [&](const std::string& n) { notes.push_back(n); };
  for (const std::string ext : {"mp4", "mkv"}) {
    stylize_video(job_for(dir / ("in." + ext), dir / ("out." + ext)), identity_stylizer(), note);
    AVCodecID codec_in, codec_out;
    auto a = read_packets(dir / ("in." + ext), AVMEDIA_TYPE_SUBTITLE, &codec_in);
    auto b = read_packets(dir / ("out." + ext), AVMEDIA_TYPE_SUBTITLE, &codec_out);
    EXPECT_EQ(codec_in, codec_out);
    ASSERT_GE(a.size(), 3u) << ext;
    ASSERT_EQ(a.size(), b.size()) << ext;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].data, b[i].data) << ext << " subtitle " << i;
      EXPECT_EQ(av_compare_ts(a[i].pts, a[i].time_base, b[i].pts, b[i].time_base), 0)
          << ext << " " << i;
    }
    expect_same_audio(
        dir / ("in." + ext), dir / ("out." + ext),
        ext == "mkv" ? compare_videos(dir / "in.mkv", dir / "out.mkv").start_offset_s : 0);
  }
  EXPECT_TRUE(notes.empty()) << notes[0];
  // WebM holds WebVTT only: the mov_text track is dropped, and the user is told.
  stylize_video(job_for(dir / "in.mp4", dir / "out.webm"), identity_stylizer(), note);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[1].find("subtitle stream #2 (mov_text) dropped"), std::string::npos) << notes[1];
  EXPECT_TRUE(read_packets(dir / "out.webm", AVMEDIA_TYPE_SUBTITLE).empty());
}

TEST(StylizeVideoTiming, MovAndWebmInputsKeepTimingAndAudio) {
  ScratchDir dir;
  SyntheticClip clip = small_clip(12);
  write_synthetic_clip(dir / "in.mov", clip);
  stylize_video(job_for(dir / "in.mov", dir / "from_mov.mp4"), identity_stylizer());
  expect_same_timing(dir / "in.mov", dir / "from_mov.mp4");
  expect_same_audio(dir / "in.mov", dir / "from_mov.mp4");

  clip.video_codec = "libvpx";  // VP8 video, Opus audio
  write_synthetic_clip(dir / "in.webm", clip);
  stylize_video(job_for(dir / "in.webm", dir / "from_webm.mkv"), identity_stylizer());
  expect_same_timing(dir / "in.webm", dir / "from_webm.mkv", false);
  expect_same_audio(dir / "in.webm", dir / "from_webm.mkv",
                    compare_videos(dir / "in.webm", dir / "from_webm.mkv").start_offset_s);
}
