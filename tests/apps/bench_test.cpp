// `comicgan bench` end to end on a tiny size: it runs, and its JSON carries every figure.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include "test_paths.h"

TEST(BenchCli, JsonHasFastAndReferenceRowsWithEveryFigure) {
  std::string cmd = std::string(COMICGAN_CLI) +
                    " bench --architecture animegan2-lite --sizes 32x32,40x24 --min-seconds 0 --threads 1 --json";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  ASSERT_TRUE(pipe);
  std::string out;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0;) out.append(buf.data(), n);
  auto j = nlohmann::json::parse(out);
  EXPECT_GT(j["conv_peak_gflops"]["fp32"].get<double>(), 0);
  ASSERT_EQ(j["rows"].size(), 4u);
  for (const auto& row : j["rows"]) {
    EXPECT_GT(row["seconds"].get<double>(), 0);
    EXPECT_GT(row["gflops"].get<double>(), 0);
    EXPECT_GT(row["peak_rss_mib"].get<double>(), 0);
    EXPECT_TRUE(row.contains("speedup_vs_reference"));
    if (row["engine"] == "fast") EXPECT_TRUE(row["seconds_per_layer_type"].contains("norm_act_pad"));
  }
}
