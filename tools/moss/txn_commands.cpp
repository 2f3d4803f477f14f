// Handlers of txn and batch: parse the one-line syntax, commit, print.
#include "tools/moss/format.hpp"
#include "tools/moss/handlers.hpp"
#include "tools/moss/txn_parser.hpp"

namespace moss::shell {

outcome run_txn(context& ctx, std::span<const token> args) {
  auto parsed = parse_txn(args);
  if (!parsed)
    return outcome::usage(parsed.error().message());
  auto r = ctx.db.txn(parsed->req);
  if (!r)
    return outcome::store(r.error());
  print_txn(ctx.out, parsed->req, *r);
  return outcome::ok();
}

outcome run_batch(context& ctx, std::span<const token> args) {
  auto parsed = parse_batch(args);
  if (!parsed)
    return outcome::usage(parsed.error().message());
  moss::batch b;
  for (txn_op& op : parsed->req.success) {
    switch (op.kind) {
      case op_kind::put: b.set(op.key, op.value, op.ttl); break;
      case op_kind::del: b.del(op.key); break;
      case op_kind::del_prefix: b.del_prefix(op.key); break;
      case op_kind::get:
      case op_kind::expire_if:
      case op_kind::persist: break;  // the parser admits none of these in a batch
    }
  }
  auto rev = ctx.db.write(b);
  if (!rev)
    return outcome::store(rev.error());
  ctx.out << "OK rev " << *rev << '\n';
  return outcome::ok();
}

} // namespace moss::shell
