#include "persistence/crc32c.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace moss {
namespace {

TEST(Crc32cTest, MatchesStandardTestVectors) {
  EXPECT_EQ(crc32c::value("123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c::value(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c::value(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i)
    ascending[i] = static_cast<char>(i);
  EXPECT_EQ(crc32c::value(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c::value("", 0), 0u);
}

TEST(Crc32cTest, ExtendEqualsValueOfConcatenation) {
  std::string a = "hello ", b = "world";
  EXPECT_EQ(crc32c::extend(crc32c::value(a), b.data(), b.size()), crc32c::value(a + b));
}

TEST(Crc32cTest, MaskChangesTheValueAndUnmaskRestoresIt) {
  uint32_t crc = crc32c::value("foo", 3);
  EXPECT_NE(crc32c::mask(crc), crc);
  EXPECT_NE(crc32c::mask(crc32c::mask(crc)), crc);
  EXPECT_EQ(crc32c::unmask(crc32c::mask(crc)), crc);
  EXPECT_EQ(crc32c::unmask(crc32c::unmask(crc32c::mask(crc32c::mask(crc)))), crc);
}

TEST(Crc32cTest, HardwareAndPortableAgreeOnEveryLengthAndAlignment) {
  if (!crc32c::detail::have_sse42())
    GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::mt19937 rng(42);
  std::string data(600, '\0');
  for (char& c : data)
    c = static_cast<char>(rng());
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n = 0; n + offset <= data.size(); n += (n < 64 ? 1 : 37)) {
      const char* p = data.data() + offset;
      ASSERT_EQ(crc32c::detail::extend_sse42(0x12345678u, p, n),
                crc32c::detail::extend_portable(0x12345678u, p, n))
        << "offset " << offset << " length " << n;
    }
  }
}

} // namespace
} // namespace moss
