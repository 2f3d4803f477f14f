// Seeds and random bytes for the shell's randomized tests. The seed is
// printed; set MOSS_TEST_SEED to rerun with a given one.
#pragma once

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace moss::shell {

inline std::mt19937::result_type test_seed() {
  const char* env = std::getenv("MOSS_TEST_SEED");
  auto seed = env != nullptr ? std::strtoul(env, nullptr, 10) : std::random_device{}();
  std::cout << "seed " << seed << " (rerun with MOSS_TEST_SEED=" << seed << ")\n";
  return static_cast<std::mt19937::result_type>(seed);
}

/// Up to max_len - 1 bytes: half from the bytes the quoting rules single
/// out, half from anywhere.
inline std::string random_bytes(std::mt19937& rng, size_t max_len) {
  using namespace std::string_literals;
  static const std::string special = "\"'\\,() \n\r\t\x00\x7f\x80\xff#xa(nil)"s;
  std::string s(rng() % max_len, '\0');
  for (char& c : s)
    c = rng() % 2 ? special[rng() % special.size()] : static_cast<char>(rng() % 256);
  return s;
}

} // namespace moss::shell
