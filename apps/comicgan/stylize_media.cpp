// comicgan stylize INPUT... -o OUT: pictures (files or folders) to comic / anime style, and
// videos (a video file or a folder of frames in, a video file, GIF or folder of frames out).
#include <iostream>

#include "comicgan/error.h"
#include "command.h"
#include "infer/stylize_files.h"
#include "models/model_store.h"
#include "progress_display.h"
#include "stop_signals.h"
#include "video/stylize_video.h"

namespace comicgan::cli {
namespace {

struct StylizeArgs {
  std::vector<std::string> inputs;
  std::string output, model, precision = "fp32", format, engine = "auto";
  float strength = 1.0f;
  int64_t max_pixels = io::ImageLimits{}.max_pixels;
  int64_t max_memory = 0;
  int quality = io::WriteOptions{}.jpeg_quality;
  RuntimeFlags runtime;
  // video only
  video::EncodeOptions encode;
  std::string consistency = "flow";
  float consistency_strength = video::ConsistencyOptions{}.blend;
  int batch = 4;
  std::string fps = "25";
};

int run_video(const StylizeArgs& a, infer::Stylizer& stylizer) {
  video::StylizeVideoJob job;
  job.input = a.inputs[0];
  job.output = a.output;
  job.encode = a.encode;
  job.consistency = a.consistency == "flow";
  job.consistency_options.blend = a.consistency_strength;
  job.strength = a.strength;
  job.batch = a.batch;
  job.folder_fps = video::parse_rate(a.fps);
  StopSignals signals(
      "\ncomicgan: interrupted; finishing the frames done so far (^C again to abandon)\n",
      "\ncomicgan: interrupted twice; nothing written\n");
  job.cancel = &signals.requested();
  job.on_temporary = [&](const std::string& path) { signals.remove_on_hard_stop(path); };
  ProgressDisplay display(std::cerr, ProgressDisplay::stderr_is_terminal(), "frame", "frames");
  auto report = video::stylize_video(
      job, [&](const at::Tensor& x) { return stylizer.forward(x); },
      [&](const std::string& note) { display.message("comicgan: " + note); },
      [&](const video::VideoProgress& p) {
        display.update({p.done, p.total, p.seconds});
      });
  display.finish();
  if (report.interrupted) {
    if (report.written)
      std::cerr << "interrupted: " << a.output << " holds the first " << report.frames
                << " frames\n";
    else
      std::cerr << "interrupted before any frame was done; nothing written\n";
    return 130;
  }
  std::cerr << "stylized " << report.frames << " frames in " << report.seconds << " s ("
            << (report.seconds > 0 ? double(report.frames) / report.seconds : 0.0) << " frames/s, "
            << report.codec << ") -> " << a.output << "\n";
  return 0;
}

Command stylize_command(
    "stylize", "Turn photos (files or folders) and videos into comic / anime style",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<StylizeArgs>();
      app.add_option("INPUT", a->inputs,
                     "image files and/or folders; or one video (.mp4 .mkv .webm .mov), or a "
                     "folder of frames with a video -o")
          ->required();
      app.add_option(
             "-o,--output", a->output,
             "output file (one image in) or folder (mirrors the inputs' relative names); for a "
             "video: .mp4 .mkv .webm .gif, or a new folder for PNG frames")
          ->required();
      app.add_option("-m,--model", a->model,
                     "model file (.cgm) or shipped model name (see 'comicgan models'); default: "
                     "the default shipped model");
      app.add_option("-s,--strength", a->strength,
                     "blend with the original: 1 = full style, 0 = unchanged")
          ->check(CLI::Range(0.0f, 1.0f))
          ->capture_default_str();
      app.add_option("--precision", a->precision, "fp32 or bf16")->capture_default_str();
      app.add_option("--engine", a->engine,
                     "fast (prepared CPU path), reference (plain LibTorch module) or auto (fast "
                     "where it applies)")
          ->capture_default_str();
      app.add_option(
          "--format", a->format,
          "output extension for folders (jpg, png, webp, bmp, tiff); default: keep each input's");
      app.add_option("--quality", a->quality, "JPEG/WebP quality")
          ->check(CLI::Range(1, 100))
          ->capture_default_str();
      app.add_option("--max-pixels", a->max_pixels,
                     "refuse images larger than this many pixels, before decoding")
          ->capture_default_str();
      app.add_option("--max-memory", a->max_memory,
                     "peak memory to stay under, e.g. 3G or 1500M: larger pictures are stylized in "
                     "tiles (0: no limit)")
          ->transform(CLI::AsSizeValue(false))
          ->capture_default_str();
      app.add_option(
             "--crf", a->encode.crf,
             "video quality, lower is better (x264/vp9 CRF); default: 18 for x264, 31 for vp9")
          ->check(CLI::Range(0, 63));
      app.add_option("--codec", a->encode.codec,
                     "video encoder: libx264, mpeg4, libvpx-vp9, gif, ...; default: the "
                     "container's usual one");
      app.add_option("--consistency", a->consistency,
                     "video flicker removal: flow (optical-flow blending, ~40% less flicker for "
                     "~4% more time) or off (each frame stylized alone)")
          ->check(CLI::IsMember({"off", "flow"}))
          ->capture_default_str();
      app.add_option(
             "--consistency-strength", a->consistency_strength,
             "with --consistency flow: weight of the previous frame where the flow is trusted "
             "(higher: steadier, but moving detail trails longer)")
          ->check(CLI::Range(0.0, 0.95))
          ->capture_default_str();
      app.add_option("--batch", a->batch, "video frames stylized together")
          ->check(CLI::Range(1, 256))
          ->capture_default_str();
      app.add_option("--fps", a->fps, "frame rate given to a folder of frames read as a video")
          ->capture_default_str();
      add_runtime_flags(app, a->runtime);
      return [a]() {
        apply_runtime_flags(a->runtime);
        auto model = models::load_model(a->model);
        infer::Stylizer stylizer(model.generator,
                                 {a->runtime.device, a->precision, a->engine, a->max_memory, {}});
        if (video::is_video_job(a->inputs, a->output)) return run_video(*a, stylizer);
        infer::StylizeFilesJob job;
        job.inputs = a->inputs;
        job.output = a->output;
        job.strength = a->strength;
        job.format = a->format;
        job.limits.max_pixels = a->max_pixels;
        job.write.jpeg_quality = job.write.webp_quality = a->quality;
        // One file: its line. A folder: the progress display, and the files that failed.
        const bool one_file = infer::is_single_file_job(job);
        ProgressDisplay display(std::cerr, ProgressDisplay::stderr_is_terminal(), "image",
                                "images");
        auto report = infer::stylize_files(
            job, stylizer,
            [&](const std::string& line) {
              if (one_file || line.rfind("failed: ", 0) == 0) display.message(line);
            },
            [&](const infer::StylizeFilesProgress& p) {
              display.update({int64_t(p.done), int64_t(p.total), p.seconds});
            });
        display.finish();
        if (report.written + report.failed > 1 || report.failed)
          std::cerr << "stylized " << report.written << " file(s), " << report.failed
                    << " failed\n";
        return report.failed ? 1 : 0;
      };
    },
    10);

}  // namespace
}  // namespace comicgan::cli
