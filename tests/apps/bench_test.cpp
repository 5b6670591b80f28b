// `comicgan bench` end to end on a tiny size: it runs, and its JSON carries every figure.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include "test_paths.h"

namespace {

nlohmann::json bench_json(const std::string& args) {
  std::string cmd = std::string(COMICGAN_CLI) + " bench " + args;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  EXPECT_TRUE(pipe);
  if (!pipe) return {};
  std::string out;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0;) out.append(buf.data(), n);
  return nlohmann::json::parse(out);
}

}  // namespace

TEST(BenchCli, JsonHasFastAndReferenceRowsWithEveryFigure) {
  auto j = bench_json(
      "--architecture animegan2-lite --sizes 32x32,40x24 --min-seconds 0 --threads 1 --json");
  EXPECT_EQ(j["winograd"], true);
  EXPECT_GT(j["conv_peak_gflops"]["fp32"].get<double>(), 0);
  ASSERT_EQ(j["rows"].size(), 4u);
  for (const auto& row : j["rows"]) {
    EXPECT_GT(row["seconds"].get<double>(), 0);
    EXPECT_GT(row["gflops"].get<double>(), 0);
    EXPECT_GT(row["peak_rss_mib"].get<double>(), 0);
    EXPECT_TRUE(row.contains("speedup_vs_reference"));
    if (row["engine"] == "fast")
      EXPECT_TRUE(row["seconds_per_layer_type"].contains("norm_act_pad"));
  }
}

TEST(BenchCli, ConvolutionFlagsReachTheFastPath) {
  auto j = bench_json(
      "--architecture animegan2-lite --sizes 32x32 --min-seconds 0 --threads 1 --json "
      "--no-reference --conv aten --no-winograd");
  EXPECT_EQ(j["conv_backend"], "aten");
  EXPECT_EQ(j["winograd"], false);
  ASSERT_EQ(j["rows"].size(), 1u);
  EXPECT_GT(j["rows"][0]["seconds"].get<double>(), 0);
}
