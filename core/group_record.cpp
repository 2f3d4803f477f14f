// A commit's log payload, op by op.
#include "core/group_record.hpp"

#include "persistence/wal_record.hpp"

namespace moss {

void encode_commit_ops(std::string& out, const write_group& g, const commit_span& c) {
  encode_commit_at_header(out, g.now, c.count);
  for (uint32_t i = c.first; i < c.first + c.count; ++i) {
    const write_op& op = g.ops[i];
    switch (op.kind) {
      case change_kind::put: encode_put_at(out, op.key, op.value, op.meta.expiry); break;
      case change_kind::del: encode_del(out, op.key); break;
      case change_kind::expire: encode_expire(out, op.key); break;
    }
  }
}

} // namespace moss
