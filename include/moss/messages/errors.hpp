// mossdb's error codes as CAF errors (category "moss"), and the conversions
// between a caf::error and a moss::status.
#pragma once

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <moss/status.hpp>

CAF_ERROR_CODE_ENUM(moss::errc, "moss")

namespace moss {

/// A CAF error carrying the code and the message of `st` (which must not be ok).
caf::error to_error(const status& st);

/// The status for a CAF error: moss errors keep code and message; CAF's own
/// (a peer gone, a timeout) map to errc::unreachable or errc::timeout.
status to_status(const caf::error& err);

/// Renders a "moss" error for CAF's to_string: "moss: io_error (fsync failed)".
std::string render_error(uint8_t code, caf::atom_value category, const caf::message& context);

} // namespace moss
