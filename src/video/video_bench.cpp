#include "video/video_bench.h"

#include <cstdio>
#include <filesystem>

#include "io/atomic_file.h"
#include "video/synthetic_clip.h"
#include "video/video_comparison.h"

namespace comicgan::video {
namespace fs = std::filesystem;

VideoBenchResult measure_video_throughput(const BatchStylizer& stylize,
                                          const VideoBenchOptions& options) {
  fs::path parent =
      options.scratch_dir.empty() ? fs::temp_directory_path() : fs::path(options.scratch_dir);
  // A folder of this call's own: benchmarks running at once never share a clip.
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{io::make_unique_folder(parent.string(), "comicgan-video-bench-")};
  fs::path clip_path = cleanup.dir / "in.mp4", out_path = cleanup.dir / "out.mp4";

  SyntheticClip clip;
  clip.width = options.width;
  clip.height = options.height;
  clip.frames = options.frames;
  clip.video_codec = "libx264";
  clip.speed = options.width / 160.0;  // the same apparent motion at every size
  write_synthetic_clip(clip_path.string(), clip);

  StylizeVideoJob job;
  job.input = clip_path.string();
  job.output = out_path.string();
  job.consistency = options.consistency;
  job.batch = options.batch;
  StylizeVideoReport report = stylize_video(job, stylize);

  VideoComparison comparison = compare_videos(job.input, job.output);
  VideoBenchResult result;
  result.width = options.width;
  result.height = options.height;
  result.frames = report.frames;
  result.seconds = report.seconds;
  result.frames_per_second = report.seconds > 0 ? double(report.frames) / report.seconds : 0;
  result.warping_error = comparison.warping.output;
  result.input_warping_error = comparison.warping.input;
  return result;
}

std::string format_video_bench(const VideoBenchResult& r, bool consistency) {
  char line[200];
  std::snprintf(line, sizeof line, "%dx%d  %lld frames  %.2f frames/s  warping error %.4f (%s)",
                r.width, r.height, static_cast<long long>(r.frames), r.frames_per_second,
                r.warping_error, consistency ? "consistency flow" : "per frame");
  return line;
}

}  // namespace comicgan::video
