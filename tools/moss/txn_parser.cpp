// A recursive-descent parser for txn and batch; the grammar is in docs/shell.md.
#include "tools/moss/txn_parser.hpp"

#include "tools/moss/arg_reader.hpp"
#include "tools/moss/quote.hpp"

namespace moss::shell {

namespace {

class parser {
public:
  parser(std::span<const token> args, std::string_view command)
    : in_(args), command_(command) {}

  result<parsed_txn> txn() {
    if (in_.take_keyword("if")) {
      do {
        auto c = compare_clause();
        if (!c)
          return c.error();
        out_.req.compares.push_back(std::move(*c));
      } while (in_.take_keyword("and"));
      if (!in_.take_keyword("then"))
        return error("expected 'and' or 'then' after a compare, got " + describe(in_.peek()));
    }
    if (auto st = ops(out_.req.success, true); !st)
      return st;
    if (in_.take_keyword("else")) {
      if (out_.req.compares.empty())
        return error("'else' needs an 'if' before it");
      if (auto st = ops(out_.req.failure, true); !st)
        return st;
    }
    if (!in_.done())
      return error("unexpected " + describe(in_.peek()));
    if (out_.req.compares.empty() && out_.req.success.empty())
      return error("expected 'if' or an op (set, del, get or delprefix)");
    return std::move(out_);
  }

  result<parsed_txn> batch() {
    if (in_.done())
      return error("a batch needs at least one op");
    if (auto st = ops(out_.req.success, false); !st)
      return st;
    if (!in_.done())
      return error("unexpected " + describe(in_.peek()));
    return std::move(out_);
  }

private:
  status error(std::string what) const {
    return {errc::invalid_argument,
            std::string{command_} + ": " + what + "; see 'help " + std::string{command_} + "'"};
  }

  // A key or value: a bare word or a quoted string, never punctuation.
  result<std::string> operand(std::string_view what) {
    const token* t = in_.peek();
    if (t == nullptr || t->kind == token_kind::punct)
      return error("expected " + std::string{what} + ", got " + describe(t));
    return in_.take().text;
  }

  // TARGET(KEY) OP OPERAND, or exists(KEY) alone.
  result<compare> compare_clause() {
    compare c;
    const token* t = in_.peek();
    if (t == nullptr || t->kind != token_kind::word)
      return error("expected a compare such as value(KEY) = VALUE, got " + describe(t));
    if (t->is_keyword("value"))
      c.target = compare_target::value;
    else if (t->is_keyword("version"))
      c.target = compare_target::version;
    else if (t->is_keyword("create"))
      c.target = compare_target::create_rev;
    else if (t->is_keyword("mod"))
      c.target = compare_target::mod_rev;
    else if (t->is_keyword("exists"))
      c.target = compare_target::exists;
    else
      return error("unknown compare " + describe(t)
                   + "; expected value, version, create, mod or exists");
    std::string target = in_.take().text;
    if (!in_.take_punct('('))
      return error("expected '(' after '" + target + "', got " + describe(in_.peek()));
    auto key = operand("a key");
    if (!key)
      return key.error();
    c.key = std::move(*key);
    if (!in_.take_punct(')'))
      return error("expected ')' after the key, got " + describe(in_.peek()));
    const token* op = in_.peek();
    std::string_view sym;
    if (op != nullptr && op->kind == token_kind::word)
      sym = op->text;
    if (sym == "=")
      c.op = compare_op::equal;
    else if (sym == "!=")
      c.op = compare_op::not_equal;
    else if (sym == "<")
      c.op = compare_op::less;
    else if (sym == ">")
      c.op = compare_op::greater;
    else if (c.target == compare_target::exists) {
      c.number = 1;  // exists(k) alone: the key exists
      return c;
    } else
      return error("expected one of = != < > after '" + target + "(...)', got " + describe(op));
    in_.take();
    auto rhs = operand(c.target == compare_target::value ? "a value" : "a number");
    if (!rhs)
      return rhs.error();
    if (c.target == compare_target::value) {
      c.value = std::move(*rhs);
      return c;
    }
    auto n = parse_int(*rhs);
    if (!n)
      return error(target + "(...) compares with a number: " + n.error().message());
    c.number = *n;
    return c;
  }

  // OP {, OP}; in a txn the list may be empty and `get` is allowed.
  status ops(std::vector<txn_op>& out, bool in_txn) {
    if (in_txn && (in_.done() || in_.peek()->is_keyword("else")))
      return status::ok();
    do {
      auto op = one_op(in_txn);
      if (!op)
        return op.error();
      out.push_back(std::move(*op));
    } while (in_.take_punct(','));
    return status::ok();
  }

  result<txn_op> one_op(bool in_txn) {
    const token* t = in_.peek();
    const char* expected = in_txn ? "set, del, get or delprefix" : "set, del or delprefix";
    if (t == nullptr || t->kind != token_kind::word)
      return error(std::string{"expected an op ("} + expected + "), got " + describe(t));
    if (in_.take_keyword("set")) {
      auto key = operand("a key after 'set'");
      if (!key)
        return key.error();
      auto value = operand("a value after 'set " + quote(*key) + "'");
      if (!value)
        return value.error();
      txn_op op = txn_op::put(std::move(*key), std::move(*value));
      if (in_.take_keyword("ttl")) {
        auto text = operand("a duration after 'ttl'");
        if (!text)
          return text.error();
        auto d = parse_duration(*text);
        if (!d)
          return error(d.error().message());
        op.ttl = *d;  // one that is not positive is the store's to refuse
      }
      return op;
    }
    if (in_.take_keyword("del")) {
      auto key = operand("a key after 'del'");
      return key ? result<txn_op>{txn_op::del(std::move(*key))} : key.error();
    }
    if (in_.take_keyword("delprefix")) {
      auto prefix = operand("a prefix after 'delprefix'");
      return prefix ? result<txn_op>{txn_op::del_prefix(std::move(*prefix))} : prefix.error();
    }
    if (in_txn && in_.take_keyword("get")) {
      auto key = operand("a key after 'get'");
      return key ? result<txn_op>{txn_op::get(std::move(*key))} : key.error();
    }
    return error(std::string{"expected an op ("} + expected + "), got " + describe(t));
  }

  arg_reader in_;
  std::string_view command_;
  parsed_txn out_;
};

} // namespace

result<parsed_txn> parse_txn(std::span<const token> args) {
  return parser{args, "txn"}.txn();
}

result<parsed_txn> parse_batch(std::span<const token> args) {
  return parser{args, "batch"}.batch();
}

} // namespace moss::shell
