// The shell's tokenizer and its txn and batch parsers over arbitrary lines:
// no crash; an error is invalid_argument with a message; what parses is a
// request the store's validation can judge.
#include <moss/options.hpp>

#include "core/validate.hpp"
#include "fuzz/fuzz_util.hpp"
#include "tools/moss/token.hpp"
#include "tools/moss/txn_parser.hpp"

using namespace moss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line = fuzz::as_view(data, size);
  for (bool punct : {false, true}) {
    auto tokens = shell::tokenize(line, punct);
    if (!tokens) {
      fuzz::require(tokens.error().code() == errc::invalid_argument && !tokens.error().message().empty());
      continue;
    }
    if (!punct)
      continue;
    for (auto parse : {&shell::parse_txn, &shell::parse_batch}) {
      auto parsed = parse(*tokens);
      if (!parsed) {
        fuzz::require(parsed.error().code() == errc::invalid_argument && !parsed.error().message().empty());
        continue;
      }
      (void) validate_txn(parsed->req, limits{});
    }
  }
  return 0;
}
