// mossd's config file: arbitrary file contents parse or fail with
// invalid_argument, never crash.
#include <vector>

#include "fuzz/fuzz_util.hpp"
#include "tools/mossd/server_options.hpp"

using namespace moss;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = fuzz::put_file("mossd.conf", fuzz::as_view(data, size));
  std::vector<const char*> args = {"--config", path.c_str()};
  auto o = server::parse_server_options(std::span<const char* const>{args.data(), args.size()});
  if (!o)
    fuzz::require(o.error().code() == errc::invalid_argument && !o.error().message().empty());
  return 0;
}
