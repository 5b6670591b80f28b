// TrainConfig's field list: every field saved is described once, with a kind that matches its
// value, so help texts cannot miss a field or mislabel it.
#include "train/train_config.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace comicgan;

TEST(TrainConfigFields, EveryFieldHasOneKindMatchingItsValueAndAMeaning) {
  const auto defaults = train::TrainConfig{}.to_json();
  std::set<std::string> described;
  for (const auto& f : train::config_fields()) {
    const std::string name = f.name, kind = f.kind;
    EXPECT_TRUE(described.insert(name).second) << name << " is described twice";
    ASSERT_TRUE(defaults.contains(name)) << name;
    const auto& v = defaults.at(name);
    if (kind == "INT")
      EXPECT_TRUE(v.is_number_integer()) << name;
    else if (kind == "FLOAT")
      EXPECT_TRUE(v.is_number_float()) << name;
    else if (kind == "BOOL")
      EXPECT_TRUE(v.is_boolean()) << name;
    else if (kind == "TEXT" || kind == "PATH")
      EXPECT_TRUE(v.is_string()) << name;
    else if (kind == "JSON")
      EXPECT_TRUE(v.is_object()) << name;
    else
      ADD_FAILURE() << name << ": unknown kind " << kind;
    EXPECT_GE(std::string(f.help).size(), 8u) << name;
  }
  EXPECT_EQ(described.size(), defaults.size());
}
