// Built without oneDNN: PackedConv is not available and the fast path calls at::conv2d.
#include "comicgan/error.h"
#include "infer/packed_conv.h"

namespace comicgan::infer {

struct PackedConv::Impl {};

bool PackedConv::available() { return false; }

PackedConv::PackedConv(const at::Tensor&, const at::Tensor&, int64_t, int64_t, at::ScalarType,
                       bool) {
  fail("PackedConv: comicgan was built without oneDNN");
}
PackedConv::~PackedConv() = default;
PackedConv::PackedConv(PackedConv&&) noexcept = default;
PackedConv& PackedConv::operator=(PackedConv&&) noexcept = default;

PackedConv::Shape PackedConv::prepare(int64_t, int64_t, bool) {
  fail("PackedConv: comicgan was built without oneDNN");
}
bool PackedConv::uses_winograd() const { return false; }
void PackedConv::run(const void*, int64_t, int64_t, bool, void*, void*) {
  fail("PackedConv: comicgan was built without oneDNN");
}

}  // namespace comicgan::infer
