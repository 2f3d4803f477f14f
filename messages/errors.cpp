// Conversions between CAF errors and statuses.
#include <moss/messages/errors.hpp>

#include <caf/sec.hpp>

namespace moss {

caf::error to_error(const status& st) {
  return caf::make_error(st.code(), st.message());
}

status to_status(const caf::error& err) {
  if (!err)
    return status::ok();
  if (err.category() == caf::atom("moss")) {
    std::string msg;
    const caf::message& ctx = err.context();
    if (!ctx.empty() && ctx.match_element<std::string>(0))  // details may follow it
      msg = ctx.get_as<std::string>(0);
    return {static_cast<errc>(err.code()), std::move(msg)};
  }
  if (err.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(err.code());
    if (code == caf::sec::request_timeout)
      return {errc::timeout, "the store did not answer in time"};
    return {errc::unreachable, "the store is unreachable: " + caf::to_string(code)};
  }
  return {errc::unreachable, "unexpected error from category " + caf::to_string(err.category())};
}

std::string render_error(uint8_t code, caf::atom_value, const caf::message& context) {
  std::string out = "moss: ";
  out += to_string(static_cast<errc>(code));
  if (!context.empty() && context.match_element<std::string>(0)) {
    out += " (";
    out += context.get_as<std::string>(0);
    out += ")";
  }
  return out;
}

} // namespace moss
