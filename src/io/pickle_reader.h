// A small pickle interpreter for the data that torch.save writes (protocols 2 to 4, no arbitrary
// Python): it builds plain values (None, bools, ints, floats, strings, tuples, lists, dicts)
// and leaves everything that needs Python — which globals exist, persistent ids, calling a
// global — to a subclass that knows the file format. Objects live in one arena owned by the
// reader, so cycles made through the memo cannot leak and nothing is freed recursively; every
// count (objects, memo entries, mark depth, string lengths) is bounded.
#pragma once

#include <ATen/ATen.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace comicgan::io {

struct PickleLimits {
  size_t max_objects = size_t(8) << 20;
  size_t max_memo = 1 << 20;
  size_t max_nesting = 256;  // open MARKs
};

struct PickleObject {
  enum class Kind : uint8_t { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Native };
  Kind kind = Kind::None;
  int64_t number = 0;                // Int, Bool
  double real = 0;                   // Float
  std::string text;                  // String (str or bytes); Global: "module.name"
  std::vector<PickleObject*> items;  // Tuple, List; Dict: key, value, key, value, ...
  // Native: what the subclass built from a global (a tensor, a storage, ...).
  int native_kind = 0;
  at::Tensor tensor;
};

const char* pickle_kind_name(PickleObject::Kind kind);

class PickleReader {
 public:
  PickleReader(std::string_view bytes, std::string label, const PickleLimits& limits);
  virtual ~PickleReader() = default;
  PickleReader(const PickleReader&) = delete;
  PickleReader& operator=(const PickleReader&) = delete;

  // Runs the program up to STOP and returns the object it leaves.
  PickleObject* load();

 protected:
  // GLOBAL / STACK_GLOBAL: throw for anything the format does not use.
  virtual void accept_global(const std::string& module, const std::string& name) = 0;
  // BINPERSID: the object a persistent id stands for.
  virtual PickleObject* persistent_load(PickleObject* pid) = 0;
  // REDUCE and NEWOBJ: `callable` is a Global, `args` a Tuple.
  virtual PickleObject* call(PickleObject* callable, PickleObject* args) = 0;
  // BUILD: set the state of `target`; the default ignores it (e.g. OrderedDict's _metadata).
  virtual void build(PickleObject* target, PickleObject* state) {}

  PickleObject* make(PickleObject::Kind kind);
  // Charges `n` references copied out of an existing container (e.g. OrderedDict(list) called
  // again and again on one memoized list) to the max_objects budget, so a few bytes of pickle
  // cannot make quadratic numbers of them.
  void count_copies(size_t n);
  const std::string& label() const { return label_; }
  [[noreturn]] void fail_at(const std::string& problem) const;

 private:
  uint8_t byte();
  std::string_view take(size_t n);
  template <typename T>
  T little();
  std::string_view line();
  void step(uint8_t op);
  PickleObject* pop();
  PickleObject* top();
  size_t pop_mark();
  void push(PickleObject* object);
  void put_memo(uint64_t index);
  void get_memo(uint64_t index);
  PickleObject* make_int(int64_t value);
  PickleObject* make_string(std::string_view text);
  PickleObject* make_tuple(size_t first);
  void set_items(PickleObject* dict, size_t first);
  void append_items(PickleObject* list, size_t first);

  std::string_view bytes_;
  size_t pos_ = 0;
  size_t op_pos_ = 0;
  std::string label_;
  PickleLimits limits_;
  std::deque<PickleObject> arena_;
  std::vector<PickleObject*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PickleObject*> memo_;
  size_t copies_ = 0;
  bool stopped_ = false;
};

}  // namespace comicgan::io
