// The implementation of include/comicgan/comicgan.h over the internal stages.
#include "comicgan/comicgan.h"

#include "infer/runtime.h"
#include "infer/stylizer.h"
#include "models/model_store.h"

namespace comicgan {

struct Stylizer::Impl {
  models::LoadedModel model;
  std::unique_ptr<infer::Stylizer> stylizer;
};

Stylizer::Stylizer(const std::string& model, const StylizeOptions& options) : impl_(new Impl) {
  impl_->model = models::load_model(model);
  impl_->stylizer = std::make_unique<infer::Stylizer>(
      impl_->model.generator, infer::StylizerOptions{options.device, options.precision});
}

Stylizer::~Stylizer() = default;
Stylizer::Stylizer(Stylizer&&) noexcept = default;
Stylizer& Stylizer::operator=(Stylizer&&) noexcept = default;

Image Stylizer::stylize(const Image& photo, float strength) {
  return impl_->stylizer->stylize(photo, strength);
}

std::string Stylizer::model_name() const {
  return impl_->model.meta.value("name", impl_->model.source);
}

std::vector<std::string> shipped_model_names() {
  std::vector<std::string> names;
  std::string def = models::default_model_name();
  if (!def.empty()) names.push_back(def);
  for (const auto& m : models::shipped_models())
    if (m.name != def) names.push_back(m.name);
  return names;
}

}  // namespace comicgan
