// The request types as they cross to another node: CAF's binary serializer
// and deserializer give back what was sent, the TTL's three states included.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <moss/messages/txn.hpp>
#include <moss/store.hpp>

namespace moss {
namespace {

using namespace std::chrono_literals;

template <class T>
T round_trip(caf::actor_system& sys, T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  EXPECT_FALSE(sink(x));
  T out;
  caf::binary_deserializer src{sys, buf};
  EXPECT_FALSE(src(out));
  return out;
}

TEST(MessageCodecTest, AnOpsTtlIsUnsetPositiveOrAsSentForTheStoreToRefuse) {
  caf::actor_system_config cfg;
  add_moss_types(cfg);
  caf::actor_system sys{cfg};
  txn_request req;
  req.compares.push_back(compare::value_is("a", "1"));
  req.success = {txn_op::put("a", "2"), txn_op::put("b", std::string("x\0y", 3), 90s),
                 txn_op::put("c", "3", 0ns), txn_op::del_prefix("p/"), txn_op::expire_if("d", 42)};
  req.failure = {txn_op::get("a"), txn_op::persist("b")};
  txn_request back = round_trip(sys, req);
  ASSERT_EQ(back.success.size(), req.success.size());
  EXPECT_EQ(back.success[0].ttl, std::nullopt);
  EXPECT_EQ(back.success[1].ttl, std::chrono::nanoseconds{90s});
  EXPECT_EQ(back.success[1].value, std::string("x\0y", 3));
  EXPECT_EQ(back.success[2].ttl, 0ns);  // kept as sent: validation refuses it
  EXPECT_EQ(back.success[4].deadline, 42);
  EXPECT_EQ(back.success[3].kind, op_kind::del_prefix);
  ASSERT_EQ(back.failure.size(), 2u);
  EXPECT_EQ(back.failure[1].kind, op_kind::persist);
  EXPECT_EQ(back.failure[1].ttl, std::nullopt);
  ASSERT_EQ(back.compares.size(), 1u);
  EXPECT_EQ(back.compares[0].value, "1");
}

} // namespace
} // namespace moss
