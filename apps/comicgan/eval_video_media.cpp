// comicgan eval video IN OUT: frame count, timestamps and duration agreement of a stylized video
// with its input, and its flicker (warping error). Registered as `eval` with a `video`
// sub-subcommand; other evaluations join `eval` as further sub-subcommands.
#include <iostream>

#include "command.h"
#include "video/video_comparison.h"

namespace comicgan::cli {
namespace {

struct EvalVideoArgs {
  std::string input, output;
  int fps = 25;
};

Command eval_command(
    "eval", "Measure results: `eval video IN OUT` for timing agreement and flicker",
    [](CLI::App& app) -> Runner {
      app.require_subcommand(1);
      auto a = std::make_shared<EvalVideoArgs>();
      CLI::App* video = app.add_subcommand(
          "video", "Compare a stylized video with its input: frame count, timestamps, duration, "
                   "warping error (flicker)");
      video->add_option("IN", a->input, "the original video (file or folder of frames)")->required();
      video->add_option("OUT", a->output, "the stylized video (file or folder of frames)")->required();
      video->add_option("--fps", a->fps, "frame rate of a folder of frames")->capture_default_str();
      return [a, video]() {
        if (!video->parsed()) return 1;
        auto c = video::compare_videos(a->input, a->output, {a->fps, 1});
        std::cout << video::format_comparison(c);
        return 0;
      };
    },
    60);

}  // namespace
}  // namespace comicgan::cli
