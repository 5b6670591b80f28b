#include "video/video_comparison.h"

#include <cmath>
#include <cstdio>

#include "video/stylize_video.h"

namespace comicgan::video {

VideoComparison compare_videos(const std::string& input, const std::string& output,
                               Rational folder_fps) {
  auto in = open_frame_source(input, folder_fps);
  auto out = open_frame_source(output, folder_fps);
  const double tb_in = in->info().time_base.value(), tb_out = out->info().time_base.value();
  VideoComparison c;
  c.tolerance_s = std::max(tb_in, tb_out) / 2 + 1e-9;
  eval::WarpingErrorMeter flicker;
  VideoFrame a, b;
  double first_in = 0, first_out = 0, end_in = 0, end_out = 0;
  bool more_in = true, more_out = true;
  while (true) {
    more_in = more_in && in->next(a);
    more_out = more_out && out->next(b);
    if (!more_in && !more_out) break;
    if (more_in) {
      double t = double(a.pts) * tb_in;
      if (c.input_frames++ == 0) first_in = t;
      end_in = t + double(a.duration) * tb_in;
    }
    if (more_out) {
      double t = double(b.pts) * tb_out;
      if (c.output_frames++ == 0) first_out = t;
      end_out = t + double(b.duration) * tb_out;
    }
    if (!(more_in && more_out)) continue;
    c.max_timestamp_gap_s = std::max(
        c.max_timestamp_gap_s,
        std::abs((double(a.pts) * tb_in - first_in) - (double(b.pts) * tb_out - first_out)));
    flicker.add(a.rgb, b.rgb);
  }
  c.warping = flicker.result();
  c.start_offset_s = first_out - first_in;
  c.input_span_s = end_in - first_in;
  c.output_span_s = end_out - first_out;
  return c;
}

std::string format_comparison(const VideoComparison& c) {
  char text[1024];
  auto verdict = [](bool ok) { return ok ? "equal" : "DIFFERENT"; };
  std::snprintf(text, sizeof text,
                "frames:          %lld in, %lld out (%s)\n"
                "timestamps:      largest gap %.6f s, tolerance %.6f s (%s); start offset %.6f s\n"
                "duration:        %.6f s in, %.6f s out (%s)\n"
                "warping error:   %.4f (output, 0..1, as `comicgan eval video` measures it, "
                "over %lld frame pairs)\n"
                "input's own:     %.4f (what motion blur, flow error and compression leave)\n",
                static_cast<long long>(c.input_frames), static_cast<long long>(c.output_frames),
                verdict(c.frame_count_equal()), c.max_timestamp_gap_s, c.tolerance_s,
                verdict(c.timestamps_equal()), c.start_offset_s, c.input_span_s, c.output_span_s,
                verdict(c.span_equal()), c.warping.output, static_cast<long long>(c.warping.pairs),
                c.warping.input);
  return text;
}

}  // namespace comicgan::video
