// How command results are printed: one line per value, entry, op or counter,
// every key and value through quote() so output pastes back as input.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <moss/messages/scan.hpp>
#include <moss/messages/stats.hpp>
#include <moss/messages/txn.hpp>
#include <moss/messages/watch.hpp>

namespace moss::shell {

/// A value, or (nil) when missing.
void print_value(std::ostream& out, const std::optional<std::string>& value);
/// "KEY VALUE" (or "KEY" when keys_only) per entry, then "(more)" when the
/// limit cut the scan short; "(empty)" for no entries when interactive.
void print_entries(std::ostream& out, const scan_result& r, bool keys_only, bool interactive);
/// "success rev N" or "failure rev N", then one line per op of the branch
/// that ran: "set KEY OK", "del KEY N", "get KEY VALUE|(nil)", "delprefix P N".
void print_txn(std::ostream& out, const txn_request& req, const txn_result& r);
/// "REV KIND KEY [VALUE] [prev PREV]": KIND is create, update, del or expire;
/// VALUE follows create and update; "prev" the value before, when asked for.
void print_event(std::ostream& out, const watch_event& ev);
/// "NAME VALUE" per counter.
void print_stats(std::ostream& out, const store_stats& s);

} // namespace moss::shell
