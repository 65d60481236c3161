#pragma once

// The compiled form of a FHIRPath expression (internal to fhir/fhirpath/). Built once by
// Compile(); immutable afterwards and shared by every evaluation.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fhir/fhirpath/item.h"
#include "re2/re2.h"

namespace zorgbrug::fhir::fhirpath::internal {

enum class NodeKind : uint8_t {
  kLiteral,   // `literal`
  kEmpty,     // {}
  kMember,    // navigation by `name`; children[0] is the receiver when has_receiver
  kFunction,  // call of `function`; children[0] is the receiver when has_receiver, then arguments
  kIndex,     // children[0][children[1]]
  kBinary,    // children[0] `op` children[1]
  kNegate,    // -children[0]
  kTypeTest,  // children[0] is `name` / children[0] as `name` (op kIs or kAs)
  kThis,      // $this
  kIndexVar,  // $index
  kTotal,     // $total
  kVariable,  // %name
};

enum class BinaryOp : uint8_t {
  kMultiply,
  kDivide,
  kDiv,
  kMod,
  kAdd,
  kSubtract,
  kConcat,
  kIs,
  kAs,
  kUnion,
  kLess,
  kGreater,
  kLessEqual,
  kGreaterEqual,
  kEqual,
  kEquivalent,
  kNotEqual,
  kNotEquivalent,
  kIn,
  kContains,
  kAnd,
  kOr,
  kXor,
  kImplies,
};

enum class Function : uint8_t {
  kEmpty,
  kExists,
  kAll,
  kAllTrue,
  kAnyTrue,
  kAllFalse,
  kAnyFalse,
  kCount,
  kDistinct,
  kIsDistinct,
  kWhere,
  kSelect,
  kRepeat,
  kFirst,
  kLast,
  kTail,
  kSkip,
  kTake,
  kSingle,
  kOfType,
  kAs,
  kIs,
  kNot,
  kIif,
  kHasValue,
  kExtension,
  kChildren,
  kDescendants,
  kTrace,
  kContains,
  kStartsWith,
  kEndsWith,
  kMatches,
  kReplaceMatches,
  kLength,
  kSubstring,
  kUpper,
  kLower,
  kIndexOf,
  kReplace,
  kToString,
  kToInteger,
  kToDecimal,
  kToBoolean,
  kToDate,
  kToDateTime,
  kToQuantity,
  kConvertsToString,
  kConvertsToInteger,
  kConvertsToDecimal,
  kConvertsToBoolean,
  kConvertsToDate,
  kConvertsToDateTime,
  kConvertsToQuantity,
  kConvertsToTime,
  kToTime,
  kToday,
  kNow,
  kSubsetOf,
  kSupersetOf,
  kUnion,
  kCombine,
  kIntersect,
  kExclude,
  kResolve,
  kHtmlChecks,
  kMemberOf,
  kConformsTo,
  kGetValue,
  kToChars,
  kTrim,
  kSplit,
  kJoin,
  kAbs,
  kCeiling,
  kFloor,
  kRound,
  kSum,
  kHasTemplateIdOf,
  kEncode,
  kDecode,
  kLowBoundary,
  kHighBoundary,
  kAggregate,
  kSubsumes,
  kSubsumedBy,
  kComparable,
};

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  BinaryOp op = BinaryOp::kAnd;
  Function function = Function::kEmpty;
  bool has_receiver = false;
  bool choice = false;  // kMember: `name` is an R4 choice element (value[x])
  // The value depends on the Context only (variables such as %resource, literals), never on the
  // focus, $this, $index or $total, and computing it takes work: the evaluator computes it once per
  // Evaluate() (`%resource.descendants()` inside a where() over many items). Set by Compile().
  bool memoize = false;
  uint32_t position = 0;  // byte offset in the source, for messages
  std::string name;       // member, function, variable or type name
  Item literal;
  std::vector<Node> children;
  // matches()/replaceMatches() with a literal pattern: compiled once.
  std::shared_ptr<const re2::RE2> regex;
};

// Sets Node::memoize in the tree below `node`; returns whether `node` itself is context-only.
bool MarkContextOnly(Node& node);

// Compiles `pattern` (RE2 syntax, which covers the ECMAScript subset FHIR invariants use, with
// dot matching newlines as the specification's single-line mode asks); nullptr when invalid.
std::shared_ptr<const re2::RE2> CompileRegex(std::string_view pattern);

}  // namespace zorgbrug::fhir::fhirpath::internal
