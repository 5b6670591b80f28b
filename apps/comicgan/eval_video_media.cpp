// comicgan eval video IN OUT: frame count, timestamps and duration agreement of a stylized video
// with its input, and its flicker (warping error).
#include <iostream>

#include "eval_subcommands.h"
#include "video/video_comparison.h"

namespace comicgan::cli {
namespace {

struct EvalVideoArgs {
  std::string input, output;
  std::string fps = "25";
};

EvalSubcommand eval_video_command(
    "video",
    "Compare a stylized video with its input: frame count, timestamps, duration, warping error "
    "(flicker)",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<EvalVideoArgs>();
      app.add_option("IN", a->input, "the original video (file or folder of frames)")->required();
      app.add_option("OUT", a->output, "the stylized video (file or folder of frames)")->required();
      app.add_option("--fps", a->fps, "frame rate of a folder of frames (30000/1001 or 29.97)")
          ->capture_default_str();
      return [a]() {
        auto c = video::compare_videos(a->input, a->output, video::parse_rate(a->fps));
        std::cout << video::format_comparison(c);
        return 0;
      };
    });

}  // namespace
}  // namespace comicgan::cli
