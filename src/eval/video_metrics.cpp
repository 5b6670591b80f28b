// eval::video_report on top of the video pipeline's comparison (src/video/video_comparison.h).
#include "eval/video_metrics.h"

#include "video/video_comparison.h"

namespace comicgan::eval {

VideoReport video_report(const std::string& input_video, const std::string& output_video) {
  video::VideoComparison c = video::compare_videos(input_video, output_video);
  VideoReport r;
  r.warping_error = c.output_error.mean / 255.0;
  r.frames_in = c.input_frames;
  r.frames_out = c.output_frames;
  r.duration_in_s = c.input_span_s;
  r.duration_out_s = c.output_span_s;
  r.timing_equal = c.frame_count_equal() && c.timestamps_equal();
  r.max_timestamp_difference_s = c.max_timestamp_gap_s;
  return r;
}

}  // namespace comicgan::eval
