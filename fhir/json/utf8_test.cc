#include "fhir/json/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace zorgbrug::fhir::json {
namespace {

constexpr size_t kValid = std::string_view::npos;

TEST(Utf8Test, AcceptsAsciiAndEveryEncodingLength) {
  EXPECT_EQ(FindInvalidUtf8(""), kValid);
  EXPECT_EQ(FindInvalidUtf8("plain ASCII text longer than eight bytes"), kValid);
  EXPECT_EQ(FindInvalidUtf8("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), kValid);
  EXPECT_EQ(FindInvalidUtf8("\xED\x9F\xBF"), kValid);  // U+D7FF, just below the surrogates
}

TEST(Utf8Test, RefusesMalformedSequencesAtTheirOffset) {
  EXPECT_EQ(FindInvalidUtf8("ab\x80"), 2u);            // lone continuation byte
  EXPECT_EQ(FindInvalidUtf8("\xC0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(FindInvalidUtf8("\xC1\xBF"), 0u);          // overlong
  EXPECT_EQ(FindInvalidUtf8("x\xE0\x9F\xBF"), 1u);     // overlong three-byte form
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("\xF0\x8F\xBF\xBF"), 0u);  // overlong four-byte form
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0u);  // invalid lead byte
  EXPECT_EQ(FindInvalidUtf8("abc\xE2\x82"), 3u);       // truncated at the end
  EXPECT_EQ(FindInvalidUtf8("\xC3\x28"), 0u);          // lead without continuation
}

TEST(Utf8Test, FindsABadByteAtEveryPositionOfAnAsciiRun) {
  for (size_t position = 0; position < 40; ++position) {
    std::string text(40, 'a');
    text[position] = '\xFF';
    EXPECT_EQ(FindInvalidUtf8(text), position);
  }
}

}  // namespace
}  // namespace zorgbrug::fhir::json
