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
std::string report_html(const Evaluation& evaluation, const std::string& grid_jpeg);
Image comparison_grid(const Evaluation& evaluation, int cell = 160, int max_rows = 8);

// For each metric row (keys in first-seen order), the index of the model with the best value,
// or -1 when the row has no direction, fewer than two models have it, or it is a tie for all.
std::vector<std::pair<std::string, int>> best_per_row(const Evaluation& evaluation);

std::string base64(const std::string& bytes);

}  // namespace comicgan::eval
