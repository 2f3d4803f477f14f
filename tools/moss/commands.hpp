// The command table: every shell command's name, usage, help text and handler.
// Adding a command is a handler in handlers.hpp plus one row in commands.cpp.
#pragma once

#include <ostream>
#include <span>
#include <string_view>

#include <moss/db.hpp>

#include "tools/moss/outcome.hpp"
#include "tools/moss/token.hpp"

namespace moss::shell {

struct command;

/// What a handler runs against.
struct context {
  moss::db& db;
  std::ostream& out;
  bool interactive;          ///< a person at a terminal (see docs/shell.md)
  const command* self = nullptr;  ///< the command being run, for its usage text
};

using handler = outcome (*)(context& ctx, std::span<const token> args);

struct command {
  std::string_view name;     ///< matched ignoring case
  std::string_view usage;    ///< "get KEY"
  std::string_view summary;  ///< one line for `help`
  std::string_view details;  ///< more lines for `help NAME`; may be empty
  bool punctuation;          ///< tokenize , ( ) as punctuation (txn, batch)
  handler run;
};

/// Every command, in the order `help` lists them.
std::span<const command> commands();
/// The command called `name` (any case), or null.
const command* find_command(std::string_view name);

/// The usage error for wrong arguments to ctx.self: "expected: get KEY".
outcome wrong_args(const context& ctx);

} // namespace moss::shell
