// The CLI's one progress display (apps/comicgan/progress_display.h): what a line says, the line
// updated in place on a terminal, and only occasional plain lines in a log or pipe.
#include "progress_display.h"

#include <gtest/gtest.h>

#include <sstream>

using comicgan::cli::format_progress;
using comicgan::cli::ProgressCount;
using comicgan::cli::ProgressDisplay;

TEST(ProgressDisplay, LineSaysDoneTotalRateAndEta) {
  // 120 of 300 in 40 s: 3 frames/s, 180 left: 1 minute.
  EXPECT_EQ(format_progress("frame", "frames", {120, 300, 40.0}),
            "frame 120/300  3.00 frames/s  ETA 1m00s");
  // The caller's own rate and ETA win (training measures them over its log window).
  EXPECT_EQ(format_progress("step", "it", {1200, 20000, 600.0, 1.9, 8820}, "gan | G 4.210"),
            "step 1200/20000  1.90 it/s  ETA 2h27m  gan | G 4.210");
}

TEST(ProgressDisplay, UnknownTotalNoTimeYetAndDoneHaveNoEta) {
  EXPECT_EQ(format_progress("frame", "frames", {12, 0, 4.0}), "frame 12  3.00 frames/s");
  EXPECT_EQ(format_progress("image", "images", {0, 8, 0.0}), "image 0/8  0.00 images/s");
  EXPECT_EQ(format_progress("image", "images", {8, 8, 2.0}), "image 8/8  4.00 images/s");
}

TEST(ProgressDisplay, TerminalUpdatesOneLineAndKeepsItUnderMessages) {
  std::ostringstream out;
  {
    ProgressDisplay display(out, /*terminal=*/true, "image", "images");
    display.update({1, 4, 1.0});
    display.update({2, 4, 2.0});
    display.message("failed: b.png: not an image");
    display.update({4, 4, 4.0});
  }  // finishing ends the line
  EXPECT_EQ(out.str(),
            "\r\033[Kimage 1/4  1.00 images/s  ETA 3s"
            "\r\033[Kimage 2/4  1.00 images/s  ETA 2s"
            "\r\033[Kfailed: b.png: not an image\nimage 2/4  1.00 images/s  ETA 2s"
            "\r\033[Kimage 4/4  1.00 images/s"
            "\n");
}

TEST(ProgressDisplay, NotATerminalPrintsTheFirstLineThenOnePerIntervalAndTheLast) {
  std::ostringstream out;
  ProgressDisplay display(out, /*terminal=*/false, "frame", "frames", /*plain_interval=*/10);
  for (int done = 1; done <= 30; ++done) display.update({done, 30, double(done)});
  display.message("comicgan: a note");
  display.finish();
  // At 1 s (the first), 11 s and 21 s (10 s apart), 30 s (the last); no escape codes.
  EXPECT_EQ(out.str(),
            "frame 1/30  1.00 frames/s  ETA 29s\n"
            "frame 11/30  1.00 frames/s  ETA 19s\n"
            "frame 21/30  1.00 frames/s  ETA 9s\n"
            "frame 30/30  1.00 frames/s\n"
            "comicgan: a note\n");
}

TEST(ProgressDisplay, NotATerminalWithoutATotalStillShowsTheFirstLine) {
  std::ostringstream out;
  ProgressDisplay display(out, false, "frame", "frames", 5);
  display.update({1, 0, 0.5});
  display.update({2, 0, 1.0});
  EXPECT_EQ(out.str(), "frame 1  2.00 frames/s\n");
}
