// The command handlers the table in commands.cpp points at; each parses its
// arguments (after the command name) and runs them against ctx.db.
#pragma once

#include "tools/moss/commands.hpp"

namespace moss::shell {

// kv_commands.cpp
outcome run_get(context& ctx, std::span<const token> args);
outcome run_set(context& ctx, std::span<const token> args);
outcome run_del(context& ctx, std::span<const token> args);
outcome run_exists(context& ctx, std::span<const token> args);
outcome run_ttl(context& ctx, std::span<const token> args);
outcome run_persist(context& ctx, std::span<const token> args);
outcome run_compact(context& ctx, std::span<const token> args);
outcome run_scan(context& ctx, std::span<const token> args);
outcome run_range(context& ctx, std::span<const token> args);
outcome run_stats(context& ctx, std::span<const token> args);

// txn_commands.cpp
outcome run_txn(context& ctx, std::span<const token> args);
outcome run_batch(context& ctx, std::span<const token> args);

// watch_command.cpp
outcome run_watch(context& ctx, std::span<const token> args);

// commands.cpp
outcome run_help(context& ctx, std::span<const token> args);
outcome run_quit(context& ctx, std::span<const token> args);

} // namespace moss::shell
