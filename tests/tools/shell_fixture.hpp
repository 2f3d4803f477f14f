// A fixture for shell tests: a real in-memory store on a manual clock, and a
// session whose output and errors are captured per line run.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <moss/db.hpp>

#include "tools/moss/session.hpp"

namespace moss::shell {

class ShellTest : public ::testing::Test {
protected:
  void SetUp() override {
    options opts;
    opts.shards = 2;
    opts.threads = 2;
    opts.clock = clock_;
    auto d = db::open(opts);
    ASSERT_TRUE(d) << d.error().to_string();
    db_.emplace(std::move(*d));
  }

  struct run_result {
    outcome_kind kind;
    std::string out;
    std::string err;
  };

  /// Runs one line in a fresh session and captures what it printed.
  run_result run(std::string_view line, bool interactive = false) {
    std::ostringstream out, err;
    session s{*db_, out, err, interactive};
    outcome o = s.run_line(line);
    return {o.kind, out.str(), err.str()};
  }

  /// The output of a line that must succeed.
  std::string ok(std::string_view line) {
    run_result r = run(line);
    EXPECT_EQ(r.kind, outcome_kind::ok) << line << " -> " << r.err;
    EXPECT_EQ(r.err, "") << line;
    return r.out;
  }

  /// The error line of a line that must fail with `kind`; nothing on stdout.
  std::string fails(std::string_view line, outcome_kind kind) {
    run_result r = run(line);
    EXPECT_EQ(r.kind, kind) << line << " -> " << r.out << r.err;
    EXPECT_EQ(r.out, "") << line;
    return r.err;
  }

  std::shared_ptr<manual_time_source> clock_ = std::make_shared<manual_time_source>();
  std::optional<db> db_;
};

} // namespace moss::shell
