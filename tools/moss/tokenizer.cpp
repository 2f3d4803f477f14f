// The tokenizer: the inverse of quote() in quote.hpp.
#include "tools/moss/token.hpp"

namespace moss::shell {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_punct_char(char c) {
  return c == ',' || c == '(' || c == ')';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

status error_at(size_t column, std::string what) {
  return {errc::invalid_argument, what + " at column " + std::to_string(column)};
}

class tokenizer {
public:
  tokenizer(std::string_view line, bool punctuation) : line_(line), punctuation_(punctuation) {}

  result<std::vector<token>> run() {
    std::vector<token> out;
    while (true) {
      while (pos_ < line_.size() && is_space(line_[pos_]))
        ++pos_;
      if (pos_ == line_.size())
        return out;
      auto t = next();
      if (!t)
        return t.error();
      out.push_back(std::move(*t));
    }
  }

private:
  result<token> next() {
    token t;
    t.column = pos_ + 1;
    char c = line_[pos_];
    if (punctuation_ && is_punct_char(c)) {
      ++pos_;
      t.kind = token_kind::punct;
      t.text.assign(1, c);
      return t;
    }
    if (c == '"' || c == '\'') {
      t.kind = token_kind::quoted;
      auto st = c == '"' ? double_quoted(t.text) : single_quoted(t.text);
      if (!st)
        return st;
      if (pos_ < line_.size() && !is_space(line_[pos_])
          && !(punctuation_ && is_punct_char(line_[pos_])))
        return error_at(pos_ + 1, "a closing quote must be followed by a space");
      return t;
    }
    while (pos_ < line_.size() && !is_space(line_[pos_])
           && !(punctuation_ && is_punct_char(line_[pos_]))) {
      if (line_[pos_] == '"' || line_[pos_] == '\'')
        return error_at(pos_ + 1, "a quote inside a bare word (quote the whole argument)");
      t.text.push_back(line_[pos_++]);
    }
    return t;
  }

  // The text between double quotes, with \" \\ \n \r \t \xHH unescaped.
  status double_quoted(std::string& out) {
    size_t open = pos_++;
    while (pos_ < line_.size()) {
      char c = line_[pos_++];
      if (c == '"')
        return status::ok();
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ == line_.size())
        break;
      size_t esc = pos_;
      switch (line_[pos_++]) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'x': {
          int hi = pos_ < line_.size() ? hex_value(line_[pos_]) : -1;
          int lo = pos_ + 1 < line_.size() ? hex_value(line_[pos_ + 1]) : -1;
          if (hi < 0 || lo < 0)
            return error_at(esc, "\\x needs two hex digits");
          out.push_back(static_cast<char>(hi * 16 + lo));
          pos_ += 2;
          break;
        }
        default:
          return error_at(esc, std::string{"unknown escape \\"} + line_[esc]
                                 + " (use \\\" \\\\ \\n \\r \\t or \\xHH)");
      }
    }
    return error_at(open + 1, "unterminated double quote");
  }

  // The text between single quotes, taken as written.
  status single_quoted(std::string& out) {
    size_t open = pos_++;
    size_t close = line_.find('\'', pos_);
    if (close == std::string_view::npos)
      return error_at(open + 1, "unterminated single quote");
    out.assign(line_.substr(pos_, close - pos_));
    pos_ = close + 1;
    return status::ok();
  }

  std::string_view line_;
  bool punctuation_;
  size_t pos_ = 0;
};

} // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i]))
      return false;
  }
  return true;
}

bool token::is_keyword(std::string_view kw) const {
  return kind == token_kind::word && iequals(text, kw);
}

result<std::vector<token>> tokenize(std::string_view line, bool punctuation) {
  return tokenizer{line, punctuation}.run();
}

} // namespace moss::shell
