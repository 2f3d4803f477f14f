// Names of error codes and the printable form of a status.
#include <moss/status.hpp>

namespace moss {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::closed: return "closed";
    case errc::io_error: return "io_error";
    case errc::no_space: return "no_space";
    case errc::corruption: return "corruption";
    case errc::locked: return "locked";
    case errc::conflict: return "conflict";
    case errc::too_many_retries: return "too_many_retries";
    case errc::write_failed: return "write_failed";
    case errc::compacted: return "compacted";
    case errc::overflow: return "overflow";
    case errc::timeout: return "timeout";
    case errc::unreachable: return "unreachable";
    case errc::aborted: return "aborted";
    case errc::busy: return "busy";
    case errc::refused: return "refused";
    case errc::read_only: return "read_only";
  }
  return "unknown";
}

std::string status::to_string() const {
  if (is_ok())
    return "ok";
  std::string out{moss::to_string(code_)};
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

} // namespace moss
