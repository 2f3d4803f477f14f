// The WAL record codec: both commit payload formats decode arbitrary bytes
// without crashing, and what decodes re-encodes to a payload that decodes to
// the same ops.
#include "fuzz/fuzz_util.hpp"
#include "persistence/wal_record.hpp"

using namespace moss;

namespace {

bool same(const std::vector<wal_op_view>& a, const std::vector<wal_op_view>& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].kind != b[i].kind || a[i].key != b[i].key || a[i].value != b[i].value || a[i].expiry != b[i].expiry)
      return false;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view payload = fuzz::as_view(data, size);
  std::vector<wal_op_view> ops;
  if (decode_commit(payload, ops).is_ok()) {
    std::string again;
    encode_commit(again, ops);
    std::vector<wal_op_view> twice;
    fuzz::require(decode_commit(again, twice).is_ok() && ops == twice);
  }
  int64_t now = 0;
  std::vector<wal_op_view> at;
  if (decode_commit_at(payload, now, at).is_ok()) {
    std::string again;
    encode_commit_at_header(again, now, static_cast<uint32_t>(at.size()));
    for (const wal_op_view& op : at) {
      switch (op.kind) {
        case wal_op_kind::put: encode_put_at(again, op.key, op.value, op.expiry); break;
        case wal_op_kind::del: encode_del(again, op.key); break;
        case wal_op_kind::expire: encode_expire(again, op.key); break;
      }
    }
    int64_t now2 = 0;
    std::vector<wal_op_view> twice;
    fuzz::require(decode_commit_at(again, now2, twice).is_ok() && now2 == now && same(at, twice));
  }
  return 0;
}
