// What `comicgan eval` leaves for people and programs: REPORT_DIR/index.html (self-contained,
// pictures inlined, no scripts or outside resources, opens offline), grid.png (photo | each
// model | nearest style pictures), metrics.json, and a one-screen text summary. With several
// models the best value of each row is marked.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/evaluate.h"

namespace comicgan::eval {

// Writes index.html, grid.png and metrics.json into `folder` (created if missing), each
// atomically.
void write_report(const Evaluation& evaluation, const std::string& folder);

nlohmann::json metrics_json(const Evaluation& evaluation);
std::string summary_text(const Evaluation& evaluation, const std::string& report_folder);
// grid_jpeg: comparison_grid's picture; verdict_jpeg: verdict_grid's ("" without a verdict).
std::string report_html(const Evaluation& evaluation, const std::string& grid_jpeg,
                        const std::string& verdict_jpeg = "");
Image comparison_grid(const Evaluation& evaluation, int cell = 160, int max_rows = 8);
// One row per discriminator-verdict set: its pictures from the highest score (most like the
// style to the discriminator) to the lowest, each captioned with its score; sets with more than
// `per_row` pictures show `per_row` evenly spaced ranks, first and last included.
Image verdict_grid(const Evaluation& evaluation, int cell = 96, int per_row = 8);

// For each metric row (keys in first-seen order), the index of the model with the best value,
// or -1 when the row has no direction, fewer than two models have it, or it is a tie for all.
std::vector<std::pair<std::string, int>> best_per_row(const Evaluation& evaluation);

std::string base64(const std::string& bytes);

}  // namespace comicgan::eval
