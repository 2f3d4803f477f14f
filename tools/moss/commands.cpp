// The command table, `help` and `quit`.
#include "tools/moss/commands.hpp"

#include <algorithm>
#include <array>

#include "tools/moss/handlers.hpp"

namespace moss::shell {

namespace {

constexpr std::string_view scan_details =
  "  Prints \"KEY VALUE\" per entry in key order (only KEY with 'keys'), then\n"
  "  \"(more)\" if 'limit N' cut the scan short. limit 0 means no limit.\n";

constexpr std::string_view txn_details =
  "  COMPARE is one of\n"
  "    value(KEY) OP VALUE      the value bytes (a missing key matches nothing)\n"
  "    version(KEY) OP N        writes since the key was created (0: missing)\n"
  "    create(KEY) OP N         revision that created the key (0: missing)\n"
  "    mod(KEY) OP N            revision of the key's last write (0: missing)\n"
  "    exists(KEY) [OP 0|1]     1 when the key exists; alone it means = 1\n"
  "  with OP one of = != < >. OPS is OP {, OP}, each one of\n"
  "    set KEY VALUE [ttl DURATION], del KEY, get KEY, delprefix PREFIX\n"
  "  and may be empty. The ops after 'then' run if every compare holds, else\n"
  "  those after 'else'. Prints \"success rev N\" or \"failure rev N\", then a line\n"
  "  per op: \"set KEY OK\", \"del KEY N\", \"get KEY VALUE|(nil)\", \"delprefix P N\".\n"
  "  Inside txn and batch , ( ) are punctuation: quote arguments holding them.\n"
  "  Example: txn if value(k) = v1 and mod(k) > 3 then set k v2, del k3 else get k\n";

constexpr std::string_view batch_details =
  "  OP is set KEY VALUE [ttl DURATION], del KEY or delprefix PREFIX. All ops\n"
  "  commit atomically at one revision; prints \"OK rev N\".\n"
  "  Example: batch set a 1, set b 2 ttl 10s, del c\n";

constexpr std::string_view watch_details =
  "  Prints a line per change, as it is committed: \"REV KIND KEY [VALUE]\n"
  "  [prev PREV]\" with KIND create, update, del or expire; VALUE follows create\n"
  "  and update. 'from REV' starts at an earlier revision still in the watch\n"
  "  history; 'prev' adds each change's previous value; 'count N' stops after\n"
  "  N changes. Ctrl-C stops the watch (not the shell). A watch that ends by\n"
  "  itself (the node went away, it fell behind) is an error.\n"
  "  Quote a key named prefix or range: watch \"prefix\".\n";

constexpr std::array table{
  command{"get", "get KEY", "print the value under KEY, or (nil)", {}, false, run_get},
  command{"set", "set KEY VALUE [ttl DURATION]", "store VALUE under KEY; prints OK",
          "  DURATION is an integer with a unit: ns, us, ms, s, m or h (500ms, 10s,\n"
          "  5m, 1h). Without ttl the key never expires and a TTL it had is cleared.\n",
          false, run_set},
  command{"del", "del KEY", "delete KEY; prints 1 if it existed, else 0", {}, false, run_del},
  command{"exists", "exists KEY", "print 1 if KEY exists, else 0", {}, false, run_exists},
  command{"ttl", "ttl KEY", "print the time KEY has left (e.g. 950ms), or (nil) if it never expires", {}, false, run_ttl},
  command{"persist", "persist KEY", "drop KEY's expiry deadline; print 1 if it had one, else 0", {}, false, run_persist},
  command{"compact", "compact", "write a snapshot and drop the log before it", {}, false, run_compact},
  command{"scan", "scan PREFIX [limit N] [keys]", "list entries whose key starts with PREFIX",
          scan_details, false, run_scan},
  command{"range", "range FROM TO [limit N] [keys]",
          "list entries with FROM <= key < TO (TO \"\" = no end)", scan_details, false,
          run_range},
  command{"txn", "txn [if COMPARE {and COMPARE} then] OPS [else OPS]",
          "an atomic transaction with compares, like etcd's", txn_details, true, run_txn},
  command{"batch", "batch OP {, OP}", "many set/del/delprefix ops as one atomic commit",
          batch_details, true, run_batch},
  command{"watch", "watch KEY|prefix PREFIX|range FROM TO [from REV] [prev] [count N]",
          "print changes as they happen, until Ctrl-C", watch_details, false, run_watch},
  command{"stats", "stats", "print the store's counters, one \"NAME VALUE\" per line", {},
          false, run_stats},
  command{"help", "help [COMMAND]", "list the commands, or explain one", {}, false, run_help},
  command{"quit", "quit", "leave the shell", {}, false, run_quit},
  command{"exit", "exit", "leave the shell", {}, false, run_quit},
};

} // namespace

std::span<const command> commands() {
  return table;
}

const command* find_command(std::string_view name) {
  auto it = std::find_if(table.begin(), table.end(),
                         [&](const command& c) { return iequals(c.name, name); });
  return it == table.end() ? nullptr : &*it;
}

outcome wrong_args(const context& ctx) {
  return outcome::usage("expected: " + std::string{ctx.self->usage});
}

outcome run_help(context& ctx, std::span<const token> args) {
  if (args.size() > 1)
    return wrong_args(ctx);
  if (args.size() == 1) {
    const command* c = find_command(args[0].text);
    if (c == nullptr)
      return outcome::usage("no command '" + args[0].text + "'; type 'help' for the list");
    ctx.out << c->usage << "\n  " << c->summary << '\n' << c->details;
    return outcome::ok();
  }
  constexpr size_t width = 32;  // a longer usage puts its summary on the next line
  ctx.out << "Commands (names in any case):\n";
  for (const command& c : table) {
    ctx.out << "  " << c.usage;
    if (c.usage.size() >= width)
      ctx.out << "\n  " << std::string(width, ' ');
    else
      ctx.out << std::string(width - c.usage.size(), ' ');
    ctx.out << c.summary << '\n';
  }
  ctx.out << "Arguments are bare words, \"double-quoted\" with \\\" \\\\ \\n \\r \\t \\xHH, or\n"
             "'single-quoted' raw text. Type 'help COMMAND' for details.\n";
  return outcome::ok();
}

outcome run_quit(context& ctx, std::span<const token> args) {
  return args.empty() ? outcome::quit() : wrong_args(ctx);
}

} // namespace moss::shell
