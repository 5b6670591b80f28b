// Temporary names that no other writer shares: folders made at once from several threads are all
// new and distinct, two atomic writes to one target use two temporaries, and a missing parent
// is one error naming the folder.
#include "io/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "comicgan/error.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

TEST(UniqueFolder, CallsAtOnceEachGetANewEmptyFolder) {
  const fs::path parent = comicgan_test::scratch_folder("unique-folder");
  std::mutex mutex;
  std::set<std::string> made;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        std::string folder = io::make_unique_folder(parent.string(), "same-prefix-");
        std::lock_guard<std::mutex> lock(mutex);
        made.insert(folder);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(made.size(), 100u);
  for (const auto& folder : made) {
    EXPECT_TRUE(fs::is_directory(folder)) << folder;
    EXPECT_TRUE(fs::is_empty(folder)) << folder;
    EXPECT_EQ(fs::path(folder).parent_path(), parent);
    EXPECT_EQ(fs::path(folder).filename().string().rfind("same-prefix-", 0), 0u) << folder;
  }
  fs::remove_all(parent);
}

TEST(UniqueFolder, MissingParentIsAnErrorNamingIt) {
  const fs::path parent = comicgan_test::scratch_folder("unique-folder-missing");
  const std::string missing = (parent / "no" / "such").string();
  try {
    io::make_unique_folder(missing, "x-");
    ADD_FAILURE() << "made a folder under " << missing;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  fs::remove_all(parent);
}

TEST(AtomicFile, TwoWritersOfOneTargetUseTwoTemporaries) {
  const fs::path folder = comicgan_test::scratch_folder("atomic-file");
  const std::string target = (folder / "out.png").string();
  io::AtomicFile first(target), second(target);
  EXPECT_NE(first.temp_path(), second.temp_path());
  EXPECT_EQ(fs::path(first.temp_path()).parent_path(), folder);
  EXPECT_EQ(fs::path(first.temp_path()).filename().string().rfind(".out.png.", 0), 0u)
      << first.temp_path();
  fs::remove_all(folder);
}
