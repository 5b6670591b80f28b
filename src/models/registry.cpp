// The list of built-in generator architectures. Explicit calls (rather than static
// initialisers) so that linking comicgan as a static library keeps every architecture.
#include <mutex>

#include "models/animegan2.h"

namespace comicgan::models {

void register_all_generators() {
  static std::once_flag once;
  std::call_once(once, [] { register_animegan2(); });
}

}  // namespace comicgan::models
