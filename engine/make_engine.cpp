// Creates an engine by kind.
#include "engine/hash_engine.hpp"
#include "engine/radix_tree.hpp"

namespace moss {

std::unique_ptr<engine> make_engine(engine_kind kind) {
  if (kind == engine_kind::hash)
    return std::make_unique<hash_engine>();
  return std::make_unique<radix_tree>();
}

std::string_view to_string(engine_kind kind) noexcept {
  return kind == engine_kind::hash ? "hash" : "radix";
}

std::optional<engine_kind> parse_engine_kind(std::string_view name) noexcept {
  for (engine_kind k : {engine_kind::hash, engine_kind::radix})
    if (name == to_string(k))
      return k;
  return std::nullopt;
}

} // namespace moss
