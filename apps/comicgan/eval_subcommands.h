// Subcommands of `comicgan eval` that live in their own files (`comicgan eval video` in
// eval_video_media.cpp), registered with a static EvalSubcommand like top-level Commands.
#pragma once

#include "command.h"

namespace comicgan::cli {

struct EvalSubcommand {
  EvalSubcommand(std::string name, std::string description, Setup setup);
};
std::vector<RegisteredCommand>& eval_subcommand_registry();

}  // namespace comicgan::cli
