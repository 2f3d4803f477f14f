// Encodes one commit of a write group as the payload of its log record
// (record_type::commit_at): the group's clock reading, then each op.
#pragma once

#include <string>

#include "core/write_group.hpp"

namespace moss {

/// Appends the payload of commit `c` of `g` to `out`.
void encode_commit_ops(std::string& out, const write_group& g, const commit_span& c);

} // namespace moss
