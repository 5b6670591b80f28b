// Ctrl-C during training: the first SIGINT or SIGTERM asks the trainer to save a checkpoint and
// stop after the current step; a second one exits at once (the last checkpoint stays intact).
#pragma once

namespace comicgan::train {

void install_stop_signal_handlers();  // idempotent
bool stop_signal_received();

}  // namespace comicgan::train
