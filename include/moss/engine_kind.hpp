// Which storage engine a store keeps its keys in.
#pragma once

#include <optional>
#include <string_view>

namespace moss {

/// Which engine a store uses.
enum class engine_kind {
  hash,   ///< hash map: fastest point reads; scans collect and sort
  radix,  ///< adaptive radix tree: ordered, cheap prefix and range scans
};

/// "hash" or "radix".
std::string_view to_string(engine_kind kind) noexcept;

/// The engine named `name` ("hash" or "radix"); nullopt for any other name.
std::optional<engine_kind> parse_engine_kind(std::string_view name) noexcept;

} // namespace moss
