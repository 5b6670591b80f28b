#include "train/stop_signal.h"

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace comicgan::train {
namespace {

std::atomic<int> signals_received{0};

extern "C" void on_stop_signal(int signal) {
  if (signals_received.fetch_add(1) >= 1) {
    // Checkpoints are written atomically, so dying here leaves the previous one usable.
    const char msg[] = "\ncomicgan: second interrupt, stopping without saving\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(128 + signal);
  }
}

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool stop_signal_received() { return signals_received.load() > 0; }

}  // namespace comicgan::train
