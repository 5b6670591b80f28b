#include "io/torch_checkpoint.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "comicgan/error.h"
#include "io/pickle_reader.h"
#include "io/zip_archive.h"

namespace comicgan::io {
namespace {

using Kind = PickleObject::Kind;
enum NativeKind { kStorage = 1, kTensor = 2 };
constexpr size_t kMaxDims = 64;
constexpr int kMaxRebuildDepth = 4;  // _rebuild_from_type_v2 wraps another rebuild function

const std::map<std::string, at::ScalarType>& storage_types() {
  static const std::map<std::string, at::ScalarType> types = {
      {"FloatStorage", at::kFloat},
      {"DoubleStorage", at::kDouble},
      {"HalfStorage", at::kHalf},
      {"BFloat16Storage", at::kBFloat16},
      {"LongStorage", at::kLong},
      {"IntStorage", at::kInt},
      {"ShortStorage", at::kShort},
      {"CharStorage", at::kChar},
      {"ByteStorage", at::kByte},
      {"BoolStorage", at::kBool},
      {"ComplexFloatStorage", at::kComplexFloat},
      {"ComplexDoubleStorage", at::kComplexDouble},
      {"UntypedStorage", at::kByte}};
  return types;
}

const std::set<std::string>& known_functions() {
  static const std::set<std::string> names = {"collections.OrderedDict",
                                              "torch._utils._rebuild_tensor",
                                              "torch._utils._rebuild_tensor_v2",
                                              "torch._utils._rebuild_parameter",
                                              "torch._utils._rebuild_parameter_with_state",
                                              "torch._tensor._rebuild_from_type_v2",
                                              "torch._tensor.Tensor",
                                              "torch.Tensor",
                                              "torch.nn.parameter.Parameter"};
  return names;
}

// The unpickler of data.pkl: storages come from the zip's data/ folder, tensors are views of
// them, copied out so each owns its memory.
class TorchUnpickler : public PickleReader {
 public:
  TorchUnpickler(std::string_view pickle, const ZipArchive& zip, std::string prefix,
                 const std::string& label, const CheckpointLimits& limits)
      : PickleReader(pickle, label, {limits.max_objects, limits.max_memo, limits.max_nesting}),
        zip_(zip),
        prefix_(std::move(prefix)),
        limits_(limits) {}

 protected:
  void accept_global(const std::string& module, const std::string& name) override {
    std::string full = module + "." + name;
    if (known_functions().count(full)) return;
    if (module == "torch" && storage_types().count(name)) return;
    fail_at("unknown class " + full + " (comicgan reads state_dicts of tensors only)");
  }

  PickleObject* persistent_load(PickleObject* pid) override {
    auto& f = pid->items;
    if (pid->kind != Kind::Tuple || f.size() != 5 || f[0]->kind != Kind::String ||
        f[0]->text != "storage" || f[1]->kind != Kind::Global || f[2]->kind != Kind::String ||
        f[4]->kind != Kind::Int)
      fail_at("unexpected persistent id (not a PyTorch storage reference)");
    std::string type = f[1]->text.substr(f[1]->text.rfind('.') + 1);
    auto dtype = storage_types().find(type);
    if (dtype == storage_types().end()) fail_at("unknown storage type " + f[1]->text);
    const std::string& key = f[2]->text;
    auto cached = storages_.find(key);
    if (cached != storages_.end()) {
      if (cached->second->tensor.scalar_type() != dtype->second)
        fail_at("storage " + key + " is used with two element types");
      return cached->second;
    }
    PickleObject* storage = make(Kind::Native);
    storage->native_kind = kStorage;
    storage->tensor = load_storage(key, dtype->second, f[4]->number);
    storages_[key] = storage;
    return storage;
  }

  PickleObject* call(PickleObject* callable, PickleObject* args) override {
    if (++depth_ > kMaxRebuildDepth) fail_at("tensor rebuild functions nested too deeply");
    PickleObject* result = call_known(callable->text, args->items);
    --depth_;
    return result;
  }

 private:
  PickleObject* call_known(const std::string& function, const std::vector<PickleObject*>& a) {
    if (function == "collections.OrderedDict") {
      PickleObject* dict = make(Kind::Dict);
      if (a.empty()) return dict;
      if (a.size() != 1 || a[0]->kind != Kind::List) fail_at("OrderedDict(...) with odd arguments");
      count_copies(2 * a[0]->items.size());
      for (PickleObject* pair : a[0]->items) {
        if (pair->kind != Kind::Tuple || pair->items.size() != 2)
          fail_at("OrderedDict(...) item is not a pair");
        dict->items.push_back(pair->items[0]);
        dict->items.push_back(pair->items[1]);
      }
      return dict;
    }
    if (function == "torch._utils._rebuild_tensor" ||
        function == "torch._utils._rebuild_tensor_v2") {
      if (a.size() < 4) fail_at(function + " with too few arguments");
      return rebuild_tensor(a[0], a[1], a[2], a[3]);
    }
    if (function == "torch._utils._rebuild_parameter" ||
        function == "torch._utils._rebuild_parameter_with_state") {
      if (a.size() < 3 || !is_tensor(a[0])) fail_at(function + " without a tensor");
      return a[0];
    }
    if (function == "torch._tensor._rebuild_from_type_v2") {
      // (func, new_type, args, state): a Tensor subclass; rebuild the plain tensor inside.
      if (a.size() != 4 || a[0]->kind != Kind::Global || a[2]->kind != Kind::Tuple)
        fail_at(function + " with odd arguments");
      return call(a[0], a[2]);
    }
    fail_at("cannot call " + function + " here");
  }

  static bool is_tensor(const PickleObject* o) {
    return o->kind == Kind::Native && o->native_kind == kTensor;
  }

  std::vector<int64_t> int_tuple(const PickleObject* t, const char* what) {
    if (t->kind != Kind::Tuple || t->items.size() > kMaxDims)
      fail_at(std::string("tensor ") + what + " is not a tuple of at most 64 ints");
    std::vector<int64_t> v;
    for (const PickleObject* i : t->items) {
      if (i->kind != Kind::Int || i->number < 0)
        fail_at(std::string("tensor ") + what + " holds a negative or non-integer value");
      v.push_back(i->number);
    }
    return v;
  }

  void count_bytes(uint64_t numel, size_t element_size) {
    uint64_t budget = limits_.max_tensor_bytes - bytes_used_;
    if (numel > budget / element_size)
      fail_at("tensors larger than the limit of " + std::to_string(limits_.max_tensor_bytes) +
              " bytes");
    bytes_used_ += numel * element_size;
  }

  PickleObject* rebuild_tensor(PickleObject* storage, PickleObject* offset_obj,
                               PickleObject* size_obj, PickleObject* stride_obj) {
    if (storage->kind != Kind::Native || storage->native_kind != kStorage)
      fail_at("tensor without a storage");
    if (offset_obj->kind != Kind::Int || offset_obj->number < 0) fail_at("bad storage offset");
    std::vector<int64_t> size = int_tuple(size_obj, "size");
    std::vector<int64_t> stride = int_tuple(stride_obj, "stride");
    if (size.size() != stride.size()) fail_at("tensor size and stride differ in length");
    const at::Tensor& data = storage->tensor;
    uint64_t storage_numel = uint64_t(data.numel());
    uint64_t offset = uint64_t(offset_obj->number);
    // The view must stay inside the storage: offset + sum((size-1)*stride) < numel.
    uint64_t numel = 1, last = offset;
    bool empty = false;
    for (size_t d = 0; d < size.size(); ++d) {
      if (size[d] == 0) empty = true;
      numel = size[d] == 0 || numel <= UINT64_MAX / uint64_t(size[d]) ? numel * uint64_t(size[d])
                                                                      : UINT64_MAX;
    }
    if (!empty) {
      for (size_t d = 0; d < size.size(); ++d) {
        uint64_t reach = uint64_t(size[d] - 1);
        if (stride[d] != 0 && reach > storage_numel / uint64_t(stride[d]))
          fail_at("tensor view reaches beyond its storage");
        last += reach * uint64_t(stride[d]);
        if (last >= storage_numel) fail_at("tensor view reaches beyond its storage");
      }
      if (offset >= storage_numel) fail_at("tensor view starts beyond its storage");
    }
    count_bytes(numel, data.element_size());
    if (numel > storage_numel) {  // only overlapping strides get more elements than stored
      uint64_t left = limits_.max_expanded_bytes - expanded_bytes_;
      if (numel > left / data.element_size())
        fail_at("broadcast tensor views expand to more than the limit of " +
                std::to_string(limits_.max_expanded_bytes) + " bytes");
      expanded_bytes_ += numel * data.element_size();
    }
    PickleObject* tensor = make(Kind::Native);
    tensor->native_kind = kTensor;
    tensor->tensor =
        empty ? at::empty(size, data.options())
              : data.as_strided(size, stride, int64_t(offset)).clone(at::MemoryFormat::Contiguous);
    return tensor;
  }

  at::Tensor load_storage(const std::string& key, at::ScalarType dtype, int64_t numel) {
    std::string name = prefix_ + "data/" + key;
    const ZipEntry* entry = zip_.find(name);
    if (!entry) fail_at("missing storage " + name + " in the zip");
    size_t element = at::elementSize(dtype);
    if (numel < 0 || entry->size / element != uint64_t(numel) || entry->size % element)
      fail_at("storage " + name + " holds " + std::to_string(entry->size) + " bytes, not " +
              std::to_string(numel) + " elements of " + std::to_string(element) + " bytes");
    count_bytes(uint64_t(numel), element);
    std::string scratch;
    std::string_view bytes = zip_.read(*entry, limits_.max_tensor_bytes, scratch);
    at::Tensor t = at::empty({numel}, at::TensorOptions().dtype(dtype));
    if (!bytes.empty()) std::memcpy(t.data_ptr(), bytes.data(), bytes.size());  // empty: no buffer
    if (dtype == at::kBool) {  // any byte but 0 or 1 is not a valid C++ bool
      auto* b = static_cast<uint8_t*>(t.data_ptr());
      for (int64_t i = 0; i < numel; ++i) b[i] = b[i] != 0;
    }
    return t;
  }

  const ZipArchive& zip_;
  std::string prefix_;
  CheckpointLimits limits_;
  std::map<std::string, PickleObject*> storages_;
  uint64_t bytes_used_ = 0;
  uint64_t expanded_bytes_ = 0;
  int depth_ = 0;
};

// The folder that holds data.pkl ("archive/" from recent torch.save, the file's stem from
// older ones).
std::string find_prefix(const ZipArchive& zip, const std::string& label) {
  for (const ZipEntry& e : zip.entries()) {
    if (e.name == "constants.pkl" || e.name.find("/constants.pkl") != std::string::npos)
      fail(label,
           ": a TorchScript archive (torch.jit.save), not a state_dict; save "
           "model.state_dict() with torch.save instead");
  }
  for (const ZipEntry& e : zip.entries()) {
    size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.compare(slash + 1, std::string::npos, "data.pkl") == 0)
      return e.name.substr(0, slash + 1);
  }
  fail(label, ": the zip holds no <folder>/data.pkl; not a PyTorch checkpoint");
}

NamedTensors state_dict_of(const PickleObject* root, const std::string& label,
                           const CheckpointLimits& limits) {
  check(root->kind == Kind::Dict, label, ": holds a ", pickle_kind_name(root->kind),
        ", not a state_dict (a dict of tensors)");
  check(root->items.size() / 2 <= limits.max_tensors, label, ": more than ", limits.max_tensors,
        " tensors");
  NamedTensors tensors;
  std::set<std::string> seen;
  for (size_t i = 0; i + 1 < root->items.size(); i += 2) {
    const PickleObject* key = root->items[i];
    const PickleObject* value = root->items[i + 1];
    check(key->kind == Kind::String, label, ": state_dict key is a ", pickle_kind_name(key->kind),
          ", not a string");
    check(value->kind == Kind::Native && value->native_kind == kTensor, label,
          ": state_dict entry '", key->text, "' holds a ", pickle_kind_name(value->kind),
          ", not a tensor");
    check(seen.insert(key->text).second, label, ": state_dict key '", key->text, "' appears twice");
    tensors.emplace_back(key->text, value->tensor);
  }
  return tensors;
}

// A read-only memory map of a whole file, unmapped on destruction.
class MappedFile {
 public:
  MappedFile(const std::string& path, size_t max_bytes) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    check(fd_ >= 0, path, ": cannot open (", std::strerror(errno), ")");
    struct stat st {};
    check(::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode), path, ": not a regular file");
    size_ = size_t(st.st_size);
    check(size_ <= max_bytes, path, ": ", size_, " bytes is more than the limit of ", max_bytes);
    if (size_ == 0) return;
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    check(p != MAP_FAILED, path, ": cannot map into memory (", std::strerror(errno), ")");
    data_ = static_cast<const uint8_t*>(p);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
    if (fd_ >= 0) ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  int fd_ = -1;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

NamedTensors read_torch_checkpoint_bytes(const uint8_t* data, size_t size, const std::string& label,
                                         const CheckpointLimits& limits) {
  check(size <= limits.max_file_bytes, label, ": ", size, " bytes is more than the limit of ",
        limits.max_file_bytes);
  check(!(size >= 2 && data[0] == 0x80 && data[1] <= 5), label,
        ": PyTorch's legacy (before 1.6) checkpoint format; load it in Python and save it again "
        "with torch.save");
  ZipArchive zip(data, size, label, limits.max_tensors + 16);
  std::string prefix = find_prefix(zip, label);
  std::string scratch;
  if (const ZipEntry* order = zip.find(prefix + "byteorder")) {
    std::string_view text = zip.read(*order, 16, scratch);
    check(text == "little", label, ": tensors saved with ", text,
          "-endian byte order; only little-endian is supported");
  }
  std::string_view pickle =
      zip.read(*zip.find(prefix + "data.pkl"), limits.max_pickle_bytes, scratch);
  TorchUnpickler unpickler(pickle, zip, prefix, label, limits);
  return state_dict_of(unpickler.load(), label, limits);
}

NamedTensors read_torch_checkpoint(const std::string& path, const CheckpointLimits& limits) {
  MappedFile file(path, limits.max_file_bytes);
  return read_torch_checkpoint_bytes(file.data(), file.size(), path, limits);
}

}  // namespace comicgan::io
