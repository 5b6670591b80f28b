#include "video/sigint_guard.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>

namespace comicgan::video {
namespace {

std::atomic<bool> g_interrupted{false};
char g_temp_path[4096];

extern "C" void on_sigint(int) {
  if (g_interrupted.exchange(true)) {
    // Second ^C: the user wants out now. unlink and _exit are async-signal-safe.
    if (g_temp_path[0]) ::unlink(g_temp_path);
    static const char message[] = "\ncomicgan: interrupted twice; nothing written\n";
    ssize_t ignored = ::write(2, message, sizeof message - 1);
    (void)ignored;
    ::_exit(130);
  }
  static const char message[] = "\ncomicgan: interrupted; finishing the frames done so far "
                                "(^C again to abandon)\n";
  ssize_t ignored = ::write(2, message, sizeof message - 1);
  (void)ignored;
}

}  // namespace

SigintGuard::SigintGuard(const std::string& temp_path) {
  g_interrupted = false;
  std::strncpy(g_temp_path, temp_path.c_str(), sizeof g_temp_path - 1);
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &previous_);
}

SigintGuard::~SigintGuard() {
  ::sigaction(SIGINT, &previous_, nullptr);
  g_temp_path[0] = '\0';
  g_interrupted = false;  // a later pipeline without a guard must not see this run's SIGINT
}

bool SigintGuard::interrupted() { return g_interrupted.load(); }

}  // namespace comicgan::video
