// Command-line parsing and store options.
#include "tools/moss/cli.hpp"

#include <charconv>
#include <cstdio>
#include <string_view>

#include "tools/moss/arg_reader.hpp"

namespace moss::shell {

result<std::pair<std::string, uint16_t>> parse_endpoint(std::string_view text) {
  auto bad = [&] {
    return status{errc::invalid_argument, "expected HOST:PORT, got '" + std::string{text} + "'"};
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return bad();
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string_view digits = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535)
    return bad();
  return std::pair{std::string{host}, static_cast<uint16_t>(port)};
}

result<cli_config> parse_cli(std::span<const char* const> args) {
  cli_config cfg;
  bool have_dir = false;
  bool options_done = false;  // after "--" every argument is DIR
  // The value after option args[i]; errors if it is missing.
  auto value_of = [&](size_t& i) -> result<std::string_view> {
    if (i + 1 == args.size())
      return status{errc::invalid_argument, std::string{args[i]} + " needs a value"};
    return std::string_view{args[++i]};
  };
  // The value after option args[i], one of the names `parse` knows, into `out`.
  auto named_value = [&]<class T>(size_t& i, std::optional<T> (*parse)(std::string_view) noexcept,
                                  const char* names, std::optional<T>& out) -> status {
    const std::string_view option = args[i];
    auto v = value_of(i);
    if (!v)
      return v.error();
    out = parse(*v);
    if (!out)
      return status{errc::invalid_argument, std::string{option} + " takes " + names};
    return status::ok();
  };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (!options_done && (a == "-h" || a == "--help")) {
      cfg.help = true;
    } else if (!options_done && a == "--version") {
      cfg.version = true;
    } else if (!options_done && a == "--fsync") {
      if (auto st = named_value(i, parse_fsync_policy, "always, every_second or never", cfg.fsync); !st)
        return st;
    } else if (!options_done && a == "--engine") {
      if (auto st = named_value(i, parse_engine_kind, "hash or radix", cfg.engine); !st)
        return st;
    } else if (!options_done && a == "-c") {
      if (i + 1 == args.size())
        return status{errc::invalid_argument, "-c needs a command"};
      cfg.commands.emplace_back(args[++i]);
    } else if (!options_done && a == "--connect") {
      auto v = value_of(i);
      if (!v)
        return v.error();
      auto ep = parse_endpoint(*v);
      if (!ep)
        return ep.error();
      std::tie(cfg.host, cfg.port) = *ep;
    } else if (!options_done && a == "--timeout") {
      auto v = value_of(i);
      if (!v)
        return v.error();
      auto d = parse_duration(*v);
      if (!d || d->count() <= 0)
        return status{errc::invalid_argument, "--timeout needs a positive duration such as 5s"};
      cfg.remote.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
      if (cfg.remote.timeout.count() == 0)
        cfg.remote.timeout = std::chrono::milliseconds{1};
    } else if (!options_done && a == "--min-rev") {
      auto v = value_of(i);
      if (!v)
        return v.error();
      uint64_t rev = 0;
      auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), rev);
      if (ec != std::errc{} || end != v->data() + v->size() || rev == 0)
        return status{errc::invalid_argument, "--min-rev needs a revision (a positive number)"};
      cfg.remote.min_rev = rev;
    } else if (!options_done && (a == "--tls-cert" || a == "--tls-key" || a == "--tls-ca")) {
      auto v = value_of(i);
      if (!v)
        return v.error();
      (a == "--tls-cert" ? cfg.remote.tls_cert : a == "--tls-key" ? cfg.remote.tls_key : cfg.remote.tls_ca) = *v;
    } else if (!options_done && a == "--check") {
      cfg.check = true;
    } else if (!options_done && a == "--fix") {
      cfg.fix = true;
    } else if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      return status{errc::invalid_argument, "unknown option " + std::string{a}};
    } else if (have_dir) {
      return status{errc::invalid_argument, "more than one DIR: " + cfg.dir + " and "
                                              + std::string{a}};
    } else {
      cfg.dir = a;
      have_dir = true;
    }
  }
  if (cfg.fix && !cfg.check)
    return status{errc::invalid_argument, "--fix goes with --check"};
  if (cfg.remote_store() && (have_dir || cfg.check || cfg.fsync || cfg.engine))
    return status{errc::invalid_argument,
                  "--connect talks to a node: it takes no DIR, --check, --fsync or --engine"};
  if (!cfg.remote_store() && (cfg.remote.tls() || cfg.remote.timeout != connect_options{}.timeout
                              || cfg.remote.min_rev != 0))
    return status{errc::invalid_argument, "--timeout, --min-rev and --tls-* go with --connect"};
  if (cfg.check && !cfg.commands.empty())
    return status{errc::invalid_argument, "--check takes no -c commands"};
  return cfg;
}

std::string usage_text() {
  return std::string{"usage: moss [DIR] [--fsync POLICY] [--engine KIND] [-c COMMAND]... [--help] [--version]\n"
                     "       moss --connect HOST:PORT [--timeout DURATION] [--min-rev REVISION]\n"
                     "            [--tls-cert FILE --tls-key FILE --tls-ca FILE] [-c COMMAND]...\n"
                     "       moss [DIR] --check [--fix]\n"
         "\n"
         "DIR is created (with its parents) if missing. POLICY: always (a write is\n"
         "answered after the fsync covering it), every_second (default), never.\n"
         "KIND: radix (default; ordered scans), hash (fastest point reads).\n"
         "\n"
         "--connect talks to a mossd node instead of opening a directory; every\n"
         "command then waits at most --timeout (default 5s) for its answer.\n"
         "--min-rev first waits (as long) until the node has applied REVISION: on a\n"
         "read replica, the revision a write on its primary answered.\n"
         "\n"
         "--check reports on DIR's snapshot and log without opening the store (exit\n"
         "0: it opens cleanly, 1: damage stops it); --fix then cuts a damaged log back\n"
         "to its longest valid prefix.\n"
         "\n"
         "The mossdb shell. Opens the store in DIR (default ./moss-data) and runs\n"
         "commands: each -c COMMAND in order, else the lines of stdin when it is not\n"
         "a terminal, else interactively. Type 'help' in the shell for commands.\n"}
         + "\n"
           "Exit status: 0 when every command succeeded, 1 when the store reported\n"
           "an error, 2 for a usage or syntax error. Without a terminal the shell\n"
           "stops at the first failing command. See docs/shell.md.\n";
}

std::string banner_text(const cli_config& cfg) {
  std::string out = "moss, the mossdb shell. Type 'help' for commands, 'quit' to leave.\n";
  out += (cfg.remote_store() ? "Node: " : "Store: ") + cfg.where() + "\n";
  return out;
}

moss::options store_options(const cli_config& cfg) {
  moss::options opts;
  opts.dir = cfg.dir;
  if (cfg.fsync)
    opts.fsync = *cfg.fsync;
  if (cfg.engine)
    opts.engine = *cfg.engine;
  // What the store reports on its own (a torn tail cut at open) goes to stderr.
  opts.log = [](std::string_view line) {
    std::string out = "moss: ";
    out.append(line);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stderr);
  };
  return opts;
}

} // namespace moss::shell
