#include "io/pickle_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "comicgan/error.h"

namespace comicgan::io {

using Kind = PickleObject::Kind;

const char* pickle_kind_name(Kind kind) {
  switch (kind) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::String:
      return "string";
    case Kind::Tuple:
      return "tuple";
    case Kind::List:
      return "list";
    case Kind::Dict:
      return "dict";
    case Kind::Global:
      return "class";
    case Kind::Native:
      return "object";
  }
  return "?";
}

PickleReader::PickleReader(std::string_view bytes, std::string label, const PickleLimits& limits)
    : bytes_(bytes), label_(std::move(label)), limits_(limits) {}

void PickleReader::fail_at(const std::string& problem) const {
  fail(label_, ": ", problem, " (pickle offset ", op_pos_, ")");
}

uint8_t PickleReader::byte() { return uint8_t(take(1)[0]); }

std::string_view PickleReader::take(size_t n) {
  if (n > bytes_.size() - pos_) fail_at("truncated pickle data");
  std::string_view s = bytes_.substr(pos_, n);
  pos_ += n;
  return s;
}

template <typename T>
T PickleReader::little() {
  std::string_view s = take(sizeof(T));
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) value |= T(uint8_t(s[i])) << (8 * i);
  return value;
}

std::string_view PickleReader::line() {
  size_t end = bytes_.find('\n', pos_);
  if (end == std::string_view::npos) fail_at("truncated pickle data (unterminated line)");
  std::string_view s = bytes_.substr(pos_, end - pos_);
  pos_ = end + 1;
  return s;
}

PickleObject* PickleReader::make(Kind kind) {
  if (arena_.size() >= limits_.max_objects)
    fail_at("more than " + std::to_string(limits_.max_objects) + " pickled objects");
  arena_.emplace_back().kind = kind;
  return &arena_.back();
}

void PickleReader::count_copies(size_t n) {
  if (n > limits_.max_objects - copies_)
    fail_at("more than " + std::to_string(limits_.max_objects) + " pickled references");
  copies_ += n;
}

PickleObject* PickleReader::make_int(int64_t value) {
  PickleObject* o = make(Kind::Int);
  o->number = value;
  return o;
}

PickleObject* PickleReader::make_string(std::string_view text) {
  PickleObject* o = make(Kind::String);
  o->text = std::string(text);
  return o;
}

void PickleReader::push(PickleObject* object) { stack_.push_back(object); }

PickleObject* PickleReader::pop() {
  size_t floor = marks_.empty() ? 0 : marks_.back();
  if (stack_.size() <= floor) fail_at("pickle stack underflow");
  PickleObject* o = stack_.back();
  stack_.pop_back();
  return o;
}

PickleObject* PickleReader::top() {
  size_t floor = marks_.empty() ? 0 : marks_.back();
  if (stack_.size() <= floor) fail_at("pickle stack underflow");
  return stack_.back();
}

size_t PickleReader::pop_mark() {
  if (marks_.empty()) fail_at("pickle MARK missing");
  size_t first = marks_.back();
  marks_.pop_back();
  return first;
}

void PickleReader::put_memo(uint64_t index) {
  if (memo_.size() >= limits_.max_memo && !memo_.count(index))
    fail_at("more than " + std::to_string(limits_.max_memo) + " pickle memo entries");
  memo_[index] = top();
}

void PickleReader::get_memo(uint64_t index) {
  auto it = memo_.find(index);
  if (it == memo_.end()) fail_at("pickle memo entry " + std::to_string(index) + " is missing");
  push(it->second);
}

PickleObject* PickleReader::make_tuple(size_t first) {
  PickleObject* t = make(Kind::Tuple);
  t->items.assign(stack_.begin() + long(first), stack_.end());
  stack_.resize(first);
  return t;
}

void PickleReader::set_items(PickleObject* dict, size_t first) {
  if (dict->kind != Kind::Dict)
    fail_at("SETITEMS on a " + std::string(pickle_kind_name(dict->kind)));
  if ((stack_.size() - first) % 2) fail_at("SETITEMS with an odd number of items");
  for (size_t i = first; i < stack_.size(); ++i) {
    if (stack_[i] == dict) fail_at("a dict that contains itself");
    dict->items.push_back(stack_[i]);
  }
  stack_.resize(first);
}

void PickleReader::append_items(PickleObject* list, size_t first) {
  if (list->kind != Kind::List)
    fail_at("APPENDS on a " + std::string(pickle_kind_name(list->kind)));
  for (size_t i = first; i < stack_.size(); ++i) {
    if (stack_[i] == list) fail_at("a list that contains itself");
    list->items.push_back(stack_[i]);
  }
  stack_.resize(first);
}

PickleObject* PickleReader::load() {
  while (!stopped_) {
    op_pos_ = pos_;
    step(byte());
  }
  if (stack_.size() != 1 || !marks_.empty()) fail_at("pickle ends with a malformed stack");
  return stack_.back();
}

void PickleReader::step(uint8_t op) {
  switch (op) {
    case 0x80:  // PROTO
      if (byte() > 5) fail_at("pickle protocol newer than 5");
      return;
    case 0x95:  // FRAME: a length prefix for buffering, nothing to do
      take(8);
      return;
    case '.':  // STOP
      stopped_ = true;
      return;
    case '(':  // MARK
      if (marks_.size() >= limits_.max_nesting) fail_at("pickle nested too deeply");
      marks_.push_back(stack_.size());
      return;
    case '0':  // POP
      pop();
      return;
    case '1':  // POP_MARK
      stack_.resize(pop_mark());
      return;
    case '2':  // DUP
      push(top());
      return;
    case 'N':
      push(make(Kind::None));
      return;
    case 0x88:    // NEWTRUE
    case 0x89: {  // NEWFALSE
      PickleObject* b = make(Kind::Bool);
      b->number = op == 0x88;
      push(b);
      return;
    }
    case 'K':  // BININT1
      push(make_int(byte()));
      return;
    case 'M':  // BININT2
      push(make_int(little<uint16_t>()));
      return;
    case 'J':  // BININT
      push(make_int(int32_t(little<uint32_t>())));
      return;
    case 0x8a:    // LONG1
    case 0x8b: {  // LONG4
      uint32_t n = op == 0x8a ? byte() : little<uint32_t>();
      if (n > 8) fail_at("integer of " + std::to_string(n) + " bytes does not fit 64 bits");
      std::string_view s = take(n);
      uint64_t v = 0;
      for (size_t i = 0; i < n; ++i) v |= uint64_t(uint8_t(s[i])) << (8 * i);
      if (n > 0 && n < 8 && (uint8_t(s[n - 1]) & 0x80)) v |= ~uint64_t(0) << (8 * n);  // sign
      push(make_int(int64_t(v)));
      return;
    }
    case 'G': {  // BINFLOAT, big-endian
      uint64_t bits = 0;
      for (char c : take(8)) bits = bits << 8 | uint8_t(c);
      PickleObject* f = make(Kind::Float);
      std::memcpy(&f->real, &bits, sizeof bits);
      push(f);
      return;
    }
    case 'X':  // BINUNICODE
    case 'T':  // BINSTRING
    case 'B':  // BINBYTES
      push(make_string(take(little<uint32_t>())));
      return;
    case 0x8c:  // SHORT_BINUNICODE
    case 'U':   // SHORT_BINSTRING
    case 'C':   // SHORT_BINBYTES
      push(make_string(take(byte())));
      return;
    case 0x8d:  // BINUNICODE8
    case 0x8e:  // BINBYTES8
      push(make_string(take(size_t(std::min<uint64_t>(little<uint64_t>(), SIZE_MAX)))));
      return;
    case ')':
      push(make(Kind::Tuple));
      return;
    case ']':
      push(make(Kind::List));
      return;
    case '}':
      push(make(Kind::Dict));
      return;
    case 't':  // TUPLE
      push(make_tuple(pop_mark()));
      return;
    case 0x85:    // TUPLE1
    case 0x86:    // TUPLE2
    case 0x87: {  // TUPLE3
      size_t n = size_t(op - 0x84);
      size_t floor = marks_.empty() ? 0 : marks_.back();
      if (stack_.size() < floor + n) fail_at("pickle stack underflow");
      push(make_tuple(stack_.size() - n));
      return;
    }
    case 'l': {  // LIST
      size_t first = pop_mark();
      PickleObject* list = make(Kind::List);
      append_items(list, first);
      push(list);
      return;
    }
    case 'd': {  // DICT
      size_t first = pop_mark();
      PickleObject* dict = make(Kind::Dict);
      set_items(dict, first);
      push(dict);
      return;
    }
    case 'a': {  // APPEND
      PickleObject* item = pop();
      PickleObject* list = top();
      push(item);
      append_items(list, stack_.size() - 1);
      return;
    }
    case 'e': {  // APPENDS
      size_t first = pop_mark();
      if (first == 0 || first <= (marks_.empty() ? 0 : marks_.back()))
        fail_at("pickle stack underflow");
      append_items(stack_[first - 1], first);
      return;
    }
    case 's': {  // SETITEM
      size_t floor = marks_.empty() ? 0 : marks_.back();
      if (stack_.size() < floor + 3) fail_at("pickle stack underflow");
      set_items(stack_[stack_.size() - 3], stack_.size() - 2);
      return;
    }
    case 'u': {  // SETITEMS
      size_t first = pop_mark();
      if (first == 0 || first <= (marks_.empty() ? 0 : marks_.back()))
        fail_at("pickle stack underflow");
      set_items(stack_[first - 1], first);
      return;
    }
    case 'q':  // BINPUT
      put_memo(byte());
      return;
    case 'r':  // LONG_BINPUT
      put_memo(little<uint32_t>());
      return;
    case 0x94:  // MEMOIZE
      put_memo(memo_.size());
      return;
    case 'h':  // BINGET
      get_memo(byte());
      return;
    case 'j':  // LONG_BINGET
      get_memo(little<uint32_t>());
      return;
    case 'c': {  // GLOBAL
      std::string module(line());
      std::string name(line());
      accept_global(module, name);
      PickleObject* g = make(Kind::Global);
      g->text = module + "." + name;
      push(g);
      return;
    }
    case 0x93: {  // STACK_GLOBAL
      PickleObject* name = pop();
      PickleObject* module = pop();
      if (name->kind != Kind::String || module->kind != Kind::String)
        fail_at("STACK_GLOBAL needs two strings");
      accept_global(module->text, name->text);
      PickleObject* g = make(Kind::Global);
      g->text = module->text + "." + name->text;
      push(g);
      return;
    }
    case 'Q':  // BINPERSID
      push(persistent_load(pop()));
      return;
    case 'R':     // REDUCE
    case 0x81: {  // NEWOBJ: cls.__new__(cls, *args), the same for the classes we accept
      PickleObject* args = pop();
      PickleObject* callable = pop();
      if (callable->kind != Kind::Global || args->kind != Kind::Tuple)
        fail_at("REDUCE needs a class and a tuple");
      push(call(callable, args));
      return;
    }
    case 'b': {  // BUILD
      PickleObject* state = pop();
      build(top(), state);
      return;
    }
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", op);
      fail_at(std::string("unknown pickle opcode ") + hex);
    }
  }
}

}  // namespace comicgan::io
