// The comicgan binary run as a child process whose output (stdout and stderr) the test reads
// through a pipe, so that a test can wait for what the CLI says (its first progress line, the
// note a signal prints) before it acts: events, never sleeps. Linux only (/proc for
// `blocked_reading`).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>
#include "test_paths.h"

namespace comicgan::testing {

class CliChild {
 public:
  explicit CliChild(const std::vector<std::string>& args) {
    std::vector<std::string> argv_strings{COMICGAN_CLI};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      ::dup2(fds[1], STDOUT_FILENO);
      ::dup2(fds[1], STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    output_fd_ = fds[0];
    ::fcntl(output_fd_, F_SETFL, O_NONBLOCK);
  }
  ~CliChild() {
    if (pid_ > 0 && status_ == kRunning) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (output_fd_ >= 0) ::close(output_fd_);
  }
  CliChild(const CliChild&) = delete;
  CliChild& operator=(const CliChild&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0 && output_fd_ >= 0; }
  int output_fd() const { return output_fd_; }
  const std::string& output() const { return output_; }
  bool contains(const std::string& text) const { return output_.find(text) != std::string::npos; }

  // Takes what the child has written so far; false once it closed its output (it has ended).
  bool read_available() {
    char buffer[4096];
    while (true) {
      ssize_t n = ::read(output_fd_, buffer, sizeof buffer);
      if (n > 0) {
        output_.append(buffer, size_t(n));
        continue;
      }
      if (n == 0) return false;
      return errno == EAGAIN || errno == EINTR;
    }
  }

  // Waits for `text` in the output; false if the child ended without it or `limit` passed
  // (a guard against a hung child, not a timing assumption).
  bool wait_for(const std::string& text, std::chrono::seconds limit = std::chrono::seconds(300)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!contains(text)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      pollfd p{output_fd_, POLLIN, 0};
      ::poll(&p, 1, 1000);
      if (!read_available() && !contains(text)) return false;
    }
    return true;
  }

  // Reads the output to its end and reaps the child: its exit code, or -signal if a signal
  // ended it.
  int finish() {
    while (true) {
      pollfd p{output_fd_, POLLIN, 0};
      ::poll(&p, 1, 1000);
      if (!read_available()) break;
    }
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) return INT_MIN;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return status_;
  }

 private:
  static constexpr int kRunning = INT_MAX;
  pid_t pid_ = -1;
  int output_fd_ = -1;
  int status_ = kRunning;
  std::string output_;
};

// Whether a thread of process `pid` sits in read() on the file it opened at `path` (a FIFO):
// 1 yes, 0 no, -1 when /proc does not tell (the test should skip what needs it).
inline int blocked_reading(pid_t pid, const std::string& path) {
  const std::string proc = "/proc/" + std::to_string(pid);
  struct stat wanted {
  }, open_file{};
  if (::stat(path.c_str(), &wanted) != 0) return -1;
  int fd = -1;
  if (DIR* dir = ::opendir((proc + "/fd").c_str())) {
    while (dirent* e = ::readdir(dir))
      if (e->d_name[0] != '.' && ::stat((proc + "/fd/" + e->d_name).c_str(), &open_file) == 0 &&
          open_file.st_ino == wanted.st_ino && open_file.st_dev == wanted.st_dev)
        fd = std::atoi(e->d_name);
    ::closedir(dir);
  }
  if (fd < 0) return 0;  // not opened yet
  DIR* tasks = ::opendir((proc + "/task").c_str());
  if (!tasks) return -1;
  int result = -1;
  while (dirent* e = ::readdir(tasks)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(proc + "/task/" + e->d_name + "/syscall");
    std::string number, first_argument;
    if (!(in >> number)) continue;  // unreadable: leave it undecided unless another thread tells
    if (result < 0) result = 0;
    if (number == "running" || !(in >> first_argument)) continue;
    if (std::stol(number) == SYS_read && std::stol(first_argument, nullptr, 16) == fd) result = 1;
  }
  ::closedir(tasks);
  return result;
}

}  // namespace comicgan::testing
