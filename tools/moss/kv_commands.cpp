// Handlers of the single-key commands, scans and stats.
#include "tools/moss/arg_reader.hpp"
#include "tools/moss/format.hpp"
#include "tools/moss/handlers.hpp"

namespace moss::shell {

namespace {

// Prints a boolean as 1 or 0.
void print_flag(context& ctx, bool b) {
  ctx.out << (b ? 1 : 0) << '\n';
}

// The options after a scan's bounds: [limit N] [keys], in any order.
outcome scan_options(context& ctx, arg_reader& in, scan_request& req) {
  bool seen_limit = false;
  while (!in.done()) {
    if (!seen_limit && in.take_keyword("limit")) {
      seen_limit = true;
      if (in.done())
        return outcome::usage("expected a number after 'limit'");
      auto n = parse_count(in.take().text);
      if (!n)
        return outcome::usage("limit: " + n.error().message());
      req.limit = *n;
    } else if (!req.keys_only && in.take_keyword("keys")) {
      req.keys_only = true;
    } else {
      return wrong_args(ctx);
    }
  }
  return outcome::ok();
}

outcome run_scan_request(context& ctx, arg_reader& in, scan_request req) {
  if (auto o = scan_options(ctx, in, req); o.failed())
    return o;
  auto r = ctx.db.scan(req);
  if (!r)
    return outcome::store(r.error());
  print_entries(ctx.out, *r, req.keys_only, ctx.interactive);
  return outcome::ok();
}

} // namespace

outcome run_get(context& ctx, std::span<const token> args) {
  if (args.size() != 1)
    return wrong_args(ctx);
  auto v = ctx.db.get(args[0].text);
  if (!v)
    return outcome::store(v.error());
  print_value(ctx.out, *v);
  return outcome::ok();
}

outcome run_set(context& ctx, std::span<const token> args) {
  write_options wo;
  if (args.size() == 4 && args[2].is_keyword("ttl")) {
    auto d = parse_duration(args[3].text);
    if (!d)
      return outcome::usage("ttl: " + d.error().message());
    wo.ttl = *d;
  } else if (args.size() != 2) {
    return wrong_args(ctx);
  }
  if (auto st = ctx.db.set(args[0].text, args[1].text, wo); !st)
    return outcome::store(st);
  ctx.out << "OK\n";
  return outcome::ok();
}

outcome run_del(context& ctx, std::span<const token> args) {
  if (args.size() != 1)
    return wrong_args(ctx);
  auto existed = ctx.db.del(args[0].text);
  if (!existed)
    return outcome::store(existed.error());
  print_flag(ctx, *existed);
  return outcome::ok();
}

outcome run_exists(context& ctx, std::span<const token> args) {
  if (args.size() != 1)
    return wrong_args(ctx);
  auto found = ctx.db.exists(args[0].text);
  if (!found)
    return outcome::store(found.error());
  print_flag(ctx, *found);
  return outcome::ok();
}

outcome run_ttl(context& ctx, std::span<const token> args) {
  if (args.size() != 1)
    return wrong_args(ctx);
  auto left = ctx.db.ttl(args[0].text);
  if (!left)
    return outcome::store(left.error());
  if (*left)
    ctx.out << std::chrono::duration_cast<std::chrono::milliseconds>(**left).count() << "ms\n";
  else
    ctx.out << "(nil)\n";
  return outcome::ok();
}

outcome run_persist(context& ctx, std::span<const token> args) {
  if (args.size() != 1)
    return wrong_args(ctx);
  auto dropped = ctx.db.persist(args[0].text);
  if (!dropped)
    return outcome::store(dropped.error());
  print_flag(ctx, *dropped);
  return outcome::ok();
}

outcome run_compact(context& ctx, std::span<const token> args) {
  if (!args.empty())
    return wrong_args(ctx);
  if (auto st = ctx.db.compact(); !st)
    return outcome::store(st);
  ctx.out << "OK\n";
  return outcome::ok();
}

outcome run_scan(context& ctx, std::span<const token> args) {
  arg_reader in{args};
  if (in.done())
    return wrong_args(ctx);
  return run_scan_request(ctx, in, scan_request::prefix(in.take().text));
}

outcome run_range(context& ctx, std::span<const token> args) {
  arg_reader in{args};
  if (in.remaining() < 2)
    return wrong_args(ctx);
  std::string from = in.take().text;
  std::string to = in.take().text;
  return run_scan_request(ctx, in, scan_request::range(std::move(from), std::move(to)));
}

outcome run_stats(context& ctx, std::span<const token> args) {
  if (!args.empty())
    return wrong_args(ctx);
  auto s = ctx.db.stats();
  if (!s)
    return outcome::store(s.error());
  print_stats(ctx.out, *s);
  return outcome::ok();
}

} // namespace moss::shell
