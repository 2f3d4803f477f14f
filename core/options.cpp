// The names of the fsync policies, as flags and config files spell them.
#include <moss/options.hpp>

namespace moss {

std::string_view to_string(fsync_policy policy) noexcept {
  switch (policy) {
    case fsync_policy::always: return "always";
    case fsync_policy::every_second: return "every_second";
    case fsync_policy::never: return "never";
  }
  return "every_second";
}

std::optional<fsync_policy> parse_fsync_policy(std::string_view name) noexcept {
  for (fsync_policy p : {fsync_policy::always, fsync_policy::every_second, fsync_policy::never})
    if (name == to_string(p))
      return p;
  return std::nullopt;
}

} // namespace moss
