// Damaged or unusable inputs are refused with one line, and nothing is left behind; an
// interrupted run leaves a playable file with the frames done, or nothing.
#include <fstream>

#include "comicgan/error.h"
#include "video_test_support.h"

using namespace comicgan;
using namespace comicgan::video;
using namespace comicgan::video::testing;

namespace {

std::string error_of(const std::string& in, const std::string& out) {
  try {
    stylize_video(job_for(in, out), identity_stylizer());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A WAV file: audio only, no video stream.
std::string wav_bytes() {
  std::string pcm(8000, '\0');
  auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<char*>(&v), 4); };
  auto u16 = [](uint16_t v) { return std::string(reinterpret_cast<char*>(&v), 2); };
  return "RIFF" + u32(36 + uint32_t(pcm.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(1) +
         u32(8000) + u32(16000) + u16(2) + u16(16) + "data" + u32(uint32_t(pcm.size())) + pcm;
}

// A Matroska file whose video stream is in a codec this FFmpeg can store but not decode.
bool write_undecodable_clip(const std::string& path, std::string* codec_name) {
  const AVOutputFormat* mkv = av_guess_format("matroska", nullptr, nullptr);
  const AVCodecDescriptor* d = nullptr;
  while ((d = avcodec_descriptor_next(d)))
    if (d->type == AVMEDIA_TYPE_VIDEO && !avcodec_find_decoder(d->id) &&
        avformat_query_codec(mkv, d->id, FF_COMPLIANCE_NORMAL) == 1)
      break;
  if (!d) return false;
  *codec_name = d->name;
  AVFormatContext* out = nullptr;
  avformat_alloc_output_context2(&out, mkv, nullptr, path.c_str());
  AVStream* s = avformat_new_stream(out, nullptr);
  s->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
  s->codecpar->codec_id = d->id;
  s->codecpar->width = 64;
  s->codecpar->height = 48;
  s->time_base = {1, 1000};
  bool ok = avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE) >= 0 &&
            avformat_write_header(out, nullptr) >= 0;
  for (int i = 0; ok && i < 3; ++i) {
    AVPacket* p = av_packet_alloc();
    ok = av_new_packet(p, 100) >= 0;
    if (ok) {
      std::fill_n(p->data, 100, uint8_t(i));
      p->pts = p->dts = i * 40;
      p->duration = 40;
      p->flags = AV_PKT_FLAG_KEY;
      ok = av_interleaved_write_frame(out, p) >= 0;
    }
    av_packet_free(&p);
  }
  ok = ok && av_write_trailer(out) >= 0;
  avio_closep(&out->pb);
  avformat_free_context(out);
  return ok;
}

}  // namespace

TEST(VideoErrors, UndecodableCodecIsNamed) {
  ScratchDir dir;
  std::string codec;
  if (!write_undecodable_clip(dir / "odd.mkv", &codec))
    GTEST_SKIP() << "FFmpeg decodes every codec Matroska holds";
  std::string message = error_of(dir / "odd.mkv", dir / "out.mp4");
  EXPECT_NE(message.find("unsupported video codec '" + codec + "'"), std::string::npos) << message;
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"odd.mkv"}));
}

TEST(VideoErrors, DamagedAndUnusableInputsAreRefusedInOneLineLeavingNothing) {
  ScratchDir dir;
  SyntheticClip clip;
  clip.frames = 12;
  write_synthetic_clip(dir / "good.mp4", clip);
  write_synthetic_clip(dir / "good.mkv", clip);
  std::string mp4 = read_bytes(dir / "good.mp4"), mkv = read_bytes(dir / "good.mkv");
  write_bytes(dir / "garbage.mp4", std::string(5000, 'x'));
  write_bytes(dir / "truncated.mp4", mp4.substr(0, mp4.size() * 2 / 3));
  write_bytes(dir / "truncated.mkv", mkv.substr(0, mkv.size() / 2));
  write_bytes(dir / "tone.wav", wav_bytes());
  std::string flipped = mp4;  // damage inside the video data (mdat), keep the index intact
  for (size_t i = flipped.size() / 3; i < flipped.size() / 3 + 400; ++i)
    flipped[i] = char(~flipped[i]);
  write_bytes(dir / "flipped.mp4", flipped);

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"garbage.mp4", "not a video file"}, {"truncated.mp4", ""},
      {"truncated.mkv", "truncated"},      {"tone.wav", "has no video stream"},
      {"flipped.mp4", "damaged"},          {"missing.mp4", "no such file"}};
  for (const auto& [name, expected] : cases) {
    std::string message = error_of(dir / name, dir / "out.mp4");
    EXPECT_FALSE(message.empty()) << name << " was accepted";
    EXPECT_NE(message.find(expected), std::string::npos) << name << ": " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_FALSE(fs::exists(dir / "out.mp4")) << name;
  }
  for (const auto& entry : dir.entries()) EXPECT_NE(entry[0], '.') << "left behind: " << entry;
}

TEST(VideoErrors, InterruptedRunLeavesAPlayableFileWithTheFramesDone) {
  ScratchDir dir;
  SyntheticClip clip;
  clip.frames = 30;
  write_synthetic_clip(dir / "in.mp4", clip);
  std::atomic<bool> cancel{false};
  auto job = job_for(dir / "in.mp4", dir / "out.mp4");
  job.cancel = &cancel;
  job.batch = 4;
  auto report = stylize_video(job, tiny_stylizer(), {}, [&](const VideoProgress& p) {
    if (p.done >= 8) cancel = true;
  });
  EXPECT_TRUE(report.interrupted);
  EXPECT_TRUE(report.written);
  EXPECT_GE(report.frames, 8);
  EXPECT_LT(report.frames, 30);
  VideoInfo in_info, out_info;
  auto in = read_frames(dir / "in.mp4", &in_info);
  auto out = read_frames(dir / "out.mp4", &out_info);  // throws if not playable
  ASSERT_EQ(int64_t(out.size()), report.frames);
  for (size_t i = 0; i < out.size(); ++i)
    EXPECT_TRUE(same_time(in[i].pts, in_info.time_base, out[i].pts, out_info.time_base));

  // Stopped before the first frame: nothing at all.
  cancel = true;
  job.output = dir / "none.mp4";
  report = stylize_video(job, tiny_stylizer());
  EXPECT_TRUE(report.interrupted);
  EXPECT_FALSE(report.written);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"in.mp4", "out.mp4"}));
}
