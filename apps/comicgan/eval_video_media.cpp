// comicgan eval video IN OUT [--json FILE]: flicker (warping error) of a stylized video and
// whether it kept its source's frames and timing.
#include <cstdarg>
#include <iostream>

extern "C" {
#include <libavutil/log.h>
}

#include "eval/video_metrics.h"
#include "eval_subcommands.h"
#include "io/atomic_file.h"

namespace comicgan::cli {
namespace {

// FFmpeg's own log lines ("moov atom not found") would come before comicgan's one-line error
// that names the file; keep only what FFmpeg calls fatal. (OpenCV resets FFmpeg's log level
// when it first opens a video, so a callback, not the level.)
void fatal_ffmpeg_messages_only(void* context, int level, const char* format, va_list args) {
  if (level <= AV_LOG_FATAL) av_log_default_callback(context, level, format, args);
}

struct VideoArgs {
  std::string input, output, json;
  eval::VideoReportOptions options;
};

EvalSubcommand eval_video(
    "video",
    "Flicker and timing of a stylized video against its source: comicgan eval video IN OUT",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<VideoArgs>();
      app.add_option("input", a->input, "the source video")->required();
      app.add_option("output", a->output, "the stylized video")->required();
      app.add_option("--json", a->json, "also write the numbers to this JSON file");
      app.add_option("--max-side", a->options.max_side,
                     "frames are compared at most this large (the flow's cost)")
          ->check(CLI::Range(16, 8192))
          ->capture_default_str();
      return [a]() {
        av_log_set_callback(fatal_ffmpeg_messages_only);
        auto report = eval::video_report(a->input, a->output, a->options);
        if (!a->json.empty())
          io::write_file_atomically(a->json, eval::video_report_json(report).dump(2) + "\n");
        std::cout << eval::video_report_text(report);
        return 0;
      };
    });

}  // namespace
}  // namespace comicgan::cli
