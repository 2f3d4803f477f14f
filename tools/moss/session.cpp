// Line execution: tokenize, look the command up, re-tokenize with punctuation
// when it asks for it, run the handler, report the error.
#include "tools/moss/session.hpp"

#include "tools/moss/arg_reader.hpp"
#include "tools/moss/commands.hpp"
#include "tools/moss/token.hpp"

namespace moss::shell {

namespace {

bool is_blank_or_comment(std::string_view line) {
  size_t first = line.find_first_not_of(" \t\r\n\v\f");
  return first == std::string_view::npos || line[first] == '#';
}

} // namespace

outcome session::execute(std::string_view line) {
  if (is_blank_or_comment(line))
    return outcome::ok();
  auto tokens = tokenize(line);
  if (!tokens)
    return outcome::syntax(tokens.error().message());
  const token& name = tokens->front();
  const command* cmd = name.kind == token_kind::word ? find_command(name.text) : nullptr;
  if (cmd == nullptr)
    return outcome::usage("unknown command " + describe(&name) + "; type 'help' for the list");
  if (cmd->punctuation) {
    tokens = tokenize(line, true);
    if (!tokens)
      return outcome::syntax(tokens.error().message());
  }
  context ctx{db_, out_, interactive_, cmd};
  return cmd->run(ctx, std::span<const token>{*tokens}.subspan(1));
}

outcome session::run_line(std::string_view line, std::string_view where) {
  outcome o = execute(line);
  if (o.failed()) {
    out_.flush();  // keep the order of results and errors when both go to one place
    err_ << "error: " << o.message << where << '\n';
    err_.flush();
  }
  return o;
}

int session::run_commands(std::span<const std::string> commands) {
  for (const std::string& c : commands) {
    outcome o = run_line(c);
    if (o.failed())
      return o.exit_code();
    if (o.kind == outcome_kind::quit)
      break;
  }
  return 0;
}

int session::run_lines(std::istream& in) {
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    outcome o = run_line(line, " (line " + std::to_string(n) + ")");
    if (o.failed())
      return o.exit_code();
    if (o.kind == outcome_kind::quit)
      break;
  }
  return 0;
}

} // namespace moss::shell
