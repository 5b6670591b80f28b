// Bad input through the CLI: every case must end with one line on stderr that names the file,
// a non-zero exit status, and no output file (nor a temporary) left behind.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/atomic_file.h"
#include "io/crafted_images.h"
#include "io/image_io.h"
#include "io/model_file.h"
#include "models/model_store.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) { return std::string(COMICGAN_FIXTURES) + "/" + name; }

struct Outcome {
  int status = 0;
  std::string err;
};

class BadInput : public ::testing::Test {
 protected:
  // A model for stylize to load before it reaches the bad input (imported in-process: each
  // CLI start costs a LibTorch load).
  static void SetUpTestSuite() {
    dir_ = comicgan_test::scratch_folder("bad-input");
    model_ = (dir_ / "small.cgm").string();
    io::write_model_file(model_, models::import_animegan2(fixture("animegan2/small.pt"), {}));
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  void SetUp() override {
    work_ = dir_ / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(work_);
  }

  static Outcome cli(const std::string& args) {
    std::string err_path = (dir_ / "stderr.txt").string();
    std::string command = std::string(COMICGAN_CLI) + " " + args + " >/dev/null 2>" + err_path;
    Outcome o;
    int raw = std::system(command.c_str());
    o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    std::ifstream in(err_path);
    std::stringstream s;
    s << in.rdbuf();
    o.err = s.str();
    return o;
  }

  std::string path(const std::string& name) const { return (work_ / name).string(); }
  void write(const std::string& name, const std::string& bytes) const {
    io::write_file_atomically(path(name), bytes);
  }

  // The run failed cleanly: exit 1, one line naming `named`, and the folder holds only `inputs`.
  void expect_clean_failure(const Outcome& o, const std::string& named, const std::string& says,
                            size_t inputs) {
    EXPECT_EQ(o.status, 1) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_NE(o.err.find(named), std::string::npos) << o.err;
    EXPECT_NE(o.err.find(says), std::string::npos) << o.err;
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(work_)) files += e.is_regular_file();
    EXPECT_EQ(files, inputs) << "an output or temporary file was left behind";
  }

  void expect_stylize_fails(const std::string& input, const std::string& says) {
    Outcome o = cli("stylize " + path(input) + " -o " + path("out.png") + " --model " + model_);
    expect_clean_failure(o, input, says, 1);
  }

  static inline fs::path dir_;
  static inline std::string model_;
  fs::path work_;
};

std::string file_bytes(const std::string& p) { return io::read_file(p, 1 << 26); }

}  // namespace

TEST_F(BadInput, NonImageBytes) {
  write("notes.png", "this is a text file, not a picture\n");
  expect_stylize_fails("notes.png", "not an image");
}

TEST_F(BadInput, TruncatedJpeg) {
  std::string jpeg = io::encode_image(io::read_image(fixture("animegan2/photo_48x64.png")), "jpg");
  write("cut.jpg", jpeg.substr(0, jpeg.size() * 2 / 3));
  expect_stylize_fails("cut.jpg", "truncated or corrupt image");
}

TEST_F(BadInput, TruncatedPng) {
  std::string png = file_bytes(fixture("animegan2/photo_48x64.png"));
  write("cut.png", png.substr(0, png.size() / 2));
  expect_stylize_fails("cut.png", "truncated or corrupt image");
}

TEST_F(BadInput, ZeroByteFile) {
  write("empty.jpg", "");
  expect_stylize_fails("empty.jpg", "empty file");
}

TEST_F(BadInput, PngDeclaringTenBillionPixelsIsRefusedBeforeDecoding) {
  using namespace comicgan::testing;
  write("huge.png", kPngSignature + png_ihdr(100000, 100000, 8, 6) + png_chunk("IDAT", "x") +
                        png_chunk("IEND", ""));
  expect_stylize_fails("huge.png", "100000x100000 = 10000000000 pixels exceeds the limit");
}

TEST_F(BadInput, UnwritableOutputLocation) {
  fs::copy_file(fixture("animegan2/photo_37x50.png"), path("photo.png"));
  write("file", "x");  // a file where a folder should be
  for (std::string target : {path("file/out.png"), path("file/deeper/out.png")})
    expect_clean_failure(
        cli("stylize " + path("photo.png") + " -o " + target + " --model " + model_), target, "",
        2);
}

TEST_F(BadInput, MissingOutputFoldersAreCreated) {
  fs::copy_file(fixture("animegan2/photo_37x50.png"), path("photo.png"));
  std::string target = path("new/folder/out.png");
  Outcome o = cli("stylize " + path("photo.png") + " -o " + target + " --model " + model_);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(io::read_image(target).width, 50);
}

TEST_F(BadInput, ModelFileThatIsNotAModel) {
  fs::copy_file(fixture("animegan2/photo_37x50.png"), path("photo.png"));
  write("model.cgm", "PK\3\4 not really anything");
  expect_clean_failure(cli("stylize " + path("photo.png") + " -o " + path("out.png") + " --model " +
                           path("model.cgm")),
                       "model.cgm", "not a comicgan model file", 2);
}

TEST_F(BadInput, CheckpointWithOtherKeys) {
  std::string pt = fixture("checkpoint/tensors.pt");
  expect_clean_failure(cli("import animegan2 " + pt + " -o " + path("x.cgm")), pt,
                       "does not fit the architecture; 77 missing keys", 0);
}

TEST_F(BadInput, CheckpointWithAnotherShapeNamesKeyAndBothShapes) {
  std::string pt = fixture("animegan2/wrong_shape.pt");
  expect_clean_failure(cli("import animegan2 " + pt + " -o " + path("x.cgm")), pt,
                       "block_b.0.1.weight: expected [4,2,3,3], found [4,2,3,1]", 0);
}

TEST_F(BadInput, TruncatedCheckpointZip) {
  std::string pt = file_bytes(fixture("animegan2/small.pt"));
  write("cut.pt", pt.substr(0, pt.size() / 2));
  expect_clean_failure(cli("import animegan2 " + path("cut.pt") + " -o " + path("x.cgm")), "cut.pt",
                       "truncated zip", 1);
}

TEST_F(BadInput, UnknownPickleOpcode) {
  std::string pt = fixture("checkpoint/bad_opcode.pt");
  expect_clean_failure(cli("import animegan2 " + pt + " -o " + path("x.cgm")), pt,
                       "unknown pickle opcode 0xff", 0);
}

// A bad option value: the library names its option, the CLI the flag the user typed.
TEST_F(BadInput, BadOptionValuesNameTheFlag) {
  io::write_image(path("in.png"), io::read_image(fixture("animegan2/photo_48x64.png")));
  auto stylize = [&](const std::string& flags) {
    return cli("stylize " + path("in.png") + " -o " + path("out.png") + " --model " + model_ + " " +
               flags);
  };
  expect_clean_failure(stylize("--device gpu"), "--device must be cpu or cuda[:N], found 'gpu'",
                       "comicgan: error: --device", 1);
  expect_clean_failure(stylize("--engine turbo"), "--engine must be auto, fast or reference",
                       "turbo", 1);
  expect_clean_failure(stylize("--precision fp16"), "--precision fp16 needs a cuda device",
                       "comicgan: error: ", 1);
}
