// Each subcommand lives in its own file and registers itself here with a static Command object;
// main.cpp builds the CLI11 app from the registry. A subcommand's `setup` declares its flags and
// returns the function that runs it (returning the process exit code).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace comicgan::cli {

using Runner = std::function<int()>;
using Setup = std::function<Runner(CLI::App& subcommand)>;

struct Command {
  Command(std::string name, std::string description, Setup setup, int order = 100);
};

struct RegisteredCommand {
  std::string name, description;
  Setup setup;
  int order;
};
std::vector<RegisteredCommand>& command_registry();

// Flags several subcommands share, defined once.
struct RuntimeFlags {
  int threads = 0;  // 0: the cores this process may use (cgroup quota and affinity respected)
  std::string device = "cpu";
};
void add_runtime_flags(CLI::App& app, RuntimeFlags& flags);
void apply_runtime_flags(const RuntimeFlags& flags);

}  // namespace comicgan::cli
