#include "stop_signals.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "comicgan/error.h"

namespace comicgan::cli {
namespace {

// What the handler reads: lock-free atomics and C strings that outlive it (async-signal-safe).
std::atomic<int> g_signals{0};
std::atomic<bool> g_requested{false};
std::atomic<const char*> g_first_note{nullptr}, g_hard_stop_note{nullptr}, g_remove{nullptr};
std::atomic<bool> g_installed{false};
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

void write_note(const char* note) {
  if (!note) return;
  ssize_t ignored = ::write(STDERR_FILENO, note, std::strlen(note));
  (void)ignored;
}

extern "C" void on_stop_signal(int signal) {
  if (g_signals.fetch_add(1) == 0) {
    g_requested = true;
    write_note(g_first_note.load());
    return;
  }
  // The user wants out now. unlink, write and _exit are async-signal-safe.
  if (const char* path = g_remove.load()) ::unlink(path);
  write_note(g_hard_stop_note.load());
  ::_exit(128 + signal);
}

}  // namespace

StopSignals::StopSignals(const char* first_note, const char* hard_stop_note) {
  check(!g_installed.exchange(true), "StopSignals: one at a time");
  g_signals = 0;
  g_requested = false;
  g_remove = nullptr;
  g_first_note = first_note;
  g_hard_stop_note = hard_stop_note;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  action.sa_flags = SA_RESTART;  // a read or write the signal lands in carries on
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &g_previous_int);
  ::sigaction(SIGTERM, &action, &g_previous_term);
}

StopSignals::~StopSignals() {
  ::sigaction(SIGINT, &g_previous_int, nullptr);
  ::sigaction(SIGTERM, &g_previous_term, nullptr);
  g_remove = nullptr;
  g_installed = false;
}

const std::atomic<bool>& StopSignals::requested() const { return g_requested; }

void StopSignals::remove_on_hard_stop(const std::string& path) {
  std::lock_guard lock(mutex_);
  paths_.push_back(path);
  g_remove = paths_.back().c_str();
}

}  // namespace comicgan::cli
