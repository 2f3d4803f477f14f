// The watch command: prints a key's, prefix's or range's changes as they
// come, until Ctrl-C, a count, or the watch ending (then its error).
#include <chrono>

#include "tools/moss/arg_reader.hpp"
#include "tools/moss/format.hpp"
#include "tools/moss/handlers.hpp"
#include "tools/moss/interrupt.hpp"

namespace moss::shell {

namespace {

// The scope: KEY, prefix PREFIX, or range FROM TO.
bool read_scope(arg_reader& in, watch_request& req) {
  if (in.take_keyword("prefix")) {
    req.scope = watch_scope::prefix;
  } else if (in.take_keyword("range")) {
    req.scope = watch_scope::range;
    if (in.remaining() < 2)
      return false;
    req.key = in.take().text;
    req.range_end = in.take().text;
    return true;
  }
  if (in.done())
    return false;
  req.key = in.take().text;
  return true;
}

// The options after the scope: [from REV] [prev] [count N], in any order.
outcome read_options(context& ctx, arg_reader& in, watch_request& req, uint64_t& count) {
  bool seen_from = false;
  bool seen_count = false;
  while (!in.done()) {
    if (!seen_from && in.take_keyword("from")) {
      seen_from = true;
      if (in.done())
        return outcome::usage("expected a revision after 'from'");
      auto rev = parse_count(in.take().text);
      if (!rev)
        return outcome::usage("from: " + rev.error().message());
      req.start_rev = *rev;
    } else if (!req.prev_value && in.take_keyword("prev")) {
      req.prev_value = true;
    } else if (!seen_count && in.take_keyword("count")) {
      seen_count = true;
      if (in.done())
        return outcome::usage("expected a number after 'count'");
      auto n = parse_count(in.take().text);
      if (!n)
        return outcome::usage("count: " + n.error().message());
      count = *n;
    } else {
      return wrong_args(ctx);
    }
  }
  return outcome::ok();
}

} // namespace

outcome run_watch(context& ctx, std::span<const token> args) {
  arg_reader in(args);
  watch_request req;
  uint64_t count = 0;  // 0: until stopped
  if (!read_scope(in, req))
    return wrong_args(ctx);
  if (auto o = read_options(ctx, in, req, count); o.failed())
    return o;
  interrupt_guard ctrl_c;  // before the watch starts: Ctrl-C never kills the shell mid-watch
  watch_stream w = ctx.db.watch(std::move(req));
  if (ctx.interactive && !w.done())
    ctx.out << "(watching; Ctrl-C stops)" << std::endl;
  for (uint64_t seen = 0; count == 0 || seen < count;) {
    if (ctrl_c.fired())
      return outcome::ok();
    auto ev = w.next(std::chrono::milliseconds(100));
    if (ev) {
      print_event(ctx.out, *ev);
      ctx.out.flush();  // a watcher's output is read as it comes
      ++seen;
    } else if (w.done()) {
      auto end = w.ended();
      if (!end || end->code == errc::ok)
        return outcome::ok();
      std::string why = end->message;
      if (end->code == errc::compacted)
        why += "; the oldest revision to watch from is " + std::to_string(end->compact_rev);
      return outcome::store(status{end->code, std::move(why)});
    }
  }
  return outcome::ok();
}

} // namespace moss::shell
