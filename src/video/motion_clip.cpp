#include "video/motion_clip.h"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/image_io.h"
#include "io/image_mat.h"
#include "video/media_writer.h"

namespace comicgan::video {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMargin =
    1.15;  // the view starts this much inside the photo: room to pan and shake

// What the camera does during one shot, drawn once per shot from the seed.
struct Shot {
  int photo = 0, first = 0, length = 1;  // which photo, its frames
  double pan_x = 1, pan_y = 0.3;         // direction (signs) and relative vertical share
  bool zoom_in = true;
  double phase[5] = {0, 0, 0, 0, 0};
};

Shot shot_of(const MotionClip& clip, int shots, int index) {
  const int per = clip.frames / shots;
  Shot shot;
  int s = std::min(index / per, shots - 1);
  shot.photo = s;
  shot.first = s * per;
  shot.length = s == shots - 1 ? clip.frames - shot.first : per;
  std::mt19937_64 rng(clip.seed * 1000003ULL + uint64_t(s));
  std::uniform_real_distribution<double> angle(0, 2 * kPi);
  shot.pan_x = rng() % 2 ? 1.0 : -1.0;
  shot.pan_y = (rng() % 2 ? 0.3 : -0.3);
  shot.zoom_in = rng() % 2 == 0;
  for (double& p : shot.phase) p = angle(rng);
  return shot;
}

}  // namespace

Image motion_clip_frame(const std::vector<Image>& photos, const MotionClip& clip, int index) {
  check(!photos.empty(), "a motion clip needs at least one photo");
  check(clip.frames >= int(photos.size()) && index >= 0 && index < clip.frames,
        "motion clip: frame ", index, " of ", clip.frames, " over ", photos.size(), " photos");
  const Shot shot = shot_of(clip, int(photos.size()), index);
  const Image& photo = photos[size_t(shot.photo)];
  check(photo.channels == 3, "motion clip: photos must be RGB");
  const double W = photo.width, H = photo.height, w = clip.width, h = clip.height;

  // Progress through the shot, the zoom at that point and the view's scale (output px per photo
  // px).
  const double u = shot.length > 1 ? double(index - shot.first) / (shot.length - 1) : 0.0;
  const double z = 1 + clip.zoom * (shot.zoom_in ? u : 1 - u);
  const double k = std::max(w / W, h / H) * kMargin * z;
  const double view_w = w / k, view_h = h / k;
  const double slack_x = 0.8 * (W - view_w) / 2, slack_y = 0.8 * (H - view_h) / 2;
  double ox = std::clamp(shot.pan_x * (u - 0.5) * clip.pan * view_w, -slack_x, slack_x);
  double oy = std::clamp(shot.pan_y * (u - 0.5) * clip.pan * view_w, -slack_y, slack_y);

  // Hand-held shake: a slow sway and a faster tremor (Hz), in output pixels, and a slight roll.
  const double t = double(index) * clip.frame_rate.den / clip.frame_rate.num;
  const double* p = shot.phase;
  auto wave = [t](double hertz, double phase) { return std::sin(2 * kPi * hertz * t + phase); };
  const double jx = clip.shake * (0.6 * wave(1.3, p[0]) + 0.4 * wave(3.7, p[1]));
  const double jy = clip.shake * (0.6 * wave(1.1, p[2]) + 0.4 * wave(2.9, p[3]));
  const double roll = 0.15 * kPi / 180 * wave(0.7, p[4]);

  // Output pixel -> photo pixel: src = A * dst + b, A = rotation / k, centred on the view.
  const double cx = (W - 1) / 2 + ox + jx / k, cy = (H - 1) / 2 + oy + jy / k;
  const double a = std::cos(roll) / k, b = std::sin(roll) / k;
  const double dx = (w - 1) / 2, dy = (h - 1) / 2;
  cv::Mat m = (cv::Mat_<double>(2, 3) << a, -b, cx - (a * dx - b * dy),  //
               b, a, cy - (b * dx + a * dy));
  Image frame(clip.width, clip.height, 3);
  cv::Mat out = io::rgb_mat_view(frame);
  cv::warpAffine(io::rgb_mat_view(const_cast<Image&>(photo)), out, m, out.size(),
                 cv::INTER_CUBIC | cv::WARP_INVERSE_MAP, cv::BORDER_REFLECT_101);
  return frame;
}

void write_motion_clip(const std::string& path, const std::vector<std::string>& photo_paths,
                       const MotionClip& clip) {
  check(clip.width > 0 && clip.height > 0 && clip.width % 2 == 0 && clip.height % 2 == 0,
        "motion clip: the size must be even, found ", clip.width, "x", clip.height);
  std::vector<Image> photos;
  for (const auto& photo_path : photo_paths) {
    Image photo = io::read_image(photo_path);
    cv::Mat view = io::rgb_mat_view(photo), rgb;
    if (photo.channels == 4) {
      cv::cvtColor(view, rgb, cv::COLOR_RGBA2RGB);
      view = rgb;
    }
    // Shrink large photos (area filter) so the camera never downsamples: no aliasing shimmer.
    double needed = std::max(double(clip.width) / view.cols, double(clip.height) / view.rows) *
                    kMargin * (1 + clip.zoom);
    cv::Mat sized = view;
    if (needed < 1) cv::resize(view, sized, cv::Size(), needed, needed, cv::INTER_AREA);
    Image upright(sized.cols, sized.rows, 3);
    sized.copyTo(io::rgb_mat_view(upright));
    photos.push_back(std::move(upright));
  }
  check(clip.frames >= int(photos.size()), "motion clip: ", clip.frames, " frames cannot show ",
        photos.size(), " photos");

  VideoInfo info;
  info.width = clip.width;
  info.height = clip.height;
  info.time_base = clip.time_base;
  info.frame_rate = clip.frame_rate;
  info.frame_count = clip.frames;
  info.color_matrix = info.color_primaries = info.color_transfer = 1;  // BT.709, as cameras tag HD
  const int64_t period = int64_t(clip.frame_rate.den) * clip.time_base.den /
                         (int64_t(clip.frame_rate.num) * clip.time_base.num);
  io::create_parent_folders(path);
  io::AtomicFile target(path);
  MediaWriter writer(target.temp_path(), path, info, nullptr, -1, EncodeOptions{}, {});
  for (int i = 0; i < clip.frames; ++i) {
    VideoFrame frame;
    frame.rgb = motion_clip_frame(photos, clip, i);
    frame.pts = i * period;
    frame.duration = period;
    frame.index = i;
    writer.write(frame);
  }
  writer.finish(true);
  target.commit();
}

}  // namespace comicgan::video
