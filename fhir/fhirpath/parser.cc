// Compile(): a precedence-climbing parser over lexer tokens
// (operator precedence from http://hl7.org/fhirpath/N1/#operator-precedence).

#include <algorithm>
#include <utility>

#include "fhir/fhirpath/ast.h"
#include "fhir/fhirpath/fhirpath.h"
#include "fhir/fhirpath/lexer.h"
#include "fhir/fhirpath/navigation.h"
#include "fhir/fhirpath/strings.h"

namespace zorgbrug::fhir::fhirpath {
namespace internal {
namespace {

struct FunctionSpec {
  std::string_view name;
  Function function;
  int min_args;
  int max_args;
};

constexpr FunctionSpec kFunctions[] = {
    {"empty", Function::kEmpty, 0, 0},
    {"exists", Function::kExists, 0, 1},
    {"all", Function::kAll, 1, 1},
    {"allTrue", Function::kAllTrue, 0, 0},
    {"anyTrue", Function::kAnyTrue, 0, 0},
    {"allFalse", Function::kAllFalse, 0, 0},
    {"anyFalse", Function::kAnyFalse, 0, 0},
    {"count", Function::kCount, 0, 0},
    {"distinct", Function::kDistinct, 0, 0},
    {"isDistinct", Function::kIsDistinct, 0, 0},
    {"where", Function::kWhere, 1, 1},
    {"select", Function::kSelect, 1, 1},
    {"repeat", Function::kRepeat, 1, 1},
    {"first", Function::kFirst, 0, 0},
    {"last", Function::kLast, 0, 0},
    {"tail", Function::kTail, 0, 0},
    {"skip", Function::kSkip, 1, 1},
    {"take", Function::kTake, 1, 1},
    {"single", Function::kSingle, 0, 0},
    {"ofType", Function::kOfType, 1, 1},
    {"as", Function::kAs, 1, 1},
    {"is", Function::kIs, 1, 1},
    {"not", Function::kNot, 0, 0},
    {"iif", Function::kIif, 2, 3},
    {"hasValue", Function::kHasValue, 0, 0},
    {"getValue", Function::kGetValue, 0, 0},
    {"extension", Function::kExtension, 1, 1},
    {"children", Function::kChildren, 0, 0},
    {"descendants", Function::kDescendants, 0, 0},
    {"trace", Function::kTrace, 1, 2},
    {"contains", Function::kContains, 1, 1},
    {"startsWith", Function::kStartsWith, 1, 1},
    {"endsWith", Function::kEndsWith, 1, 1},
    {"matches", Function::kMatches, 1, 1},
    {"replaceMatches", Function::kReplaceMatches, 2, 2},
    {"length", Function::kLength, 0, 0},
    {"substring", Function::kSubstring, 1, 2},
    {"upper", Function::kUpper, 0, 0},
    {"lower", Function::kLower, 0, 0},
    {"indexOf", Function::kIndexOf, 1, 1},
    {"replace", Function::kReplace, 2, 2},
    {"toChars", Function::kToChars, 0, 0},
    {"trim", Function::kTrim, 0, 0},
    {"split", Function::kSplit, 1, 1},
    {"join", Function::kJoin, 0, 1},
    {"toString", Function::kToString, 0, 0},
    {"toInteger", Function::kToInteger, 0, 0},
    {"toDecimal", Function::kToDecimal, 0, 0},
    {"toBoolean", Function::kToBoolean, 0, 0},
    {"toDate", Function::kToDate, 0, 0},
    {"toDateTime", Function::kToDateTime, 0, 0},
    {"toTime", Function::kToTime, 0, 0},
    {"toQuantity", Function::kToQuantity, 0, 1},
    {"convertsToString", Function::kConvertsToString, 0, 0},
    {"convertsToInteger", Function::kConvertsToInteger, 0, 0},
    {"convertsToDecimal", Function::kConvertsToDecimal, 0, 0},
    {"convertsToBoolean", Function::kConvertsToBoolean, 0, 0},
    {"convertsToDate", Function::kConvertsToDate, 0, 0},
    {"convertsToDateTime", Function::kConvertsToDateTime, 0, 0},
    {"convertsToTime", Function::kConvertsToTime, 0, 0},
    {"convertsToQuantity", Function::kConvertsToQuantity, 0, 1},
    {"today", Function::kToday, 0, 0},
    {"now", Function::kNow, 0, 0},
    {"subsetOf", Function::kSubsetOf, 1, 1},
    {"supersetOf", Function::kSupersetOf, 1, 1},
    {"union", Function::kUnion, 1, 1},
    {"combine", Function::kCombine, 1, 1},
    {"intersect", Function::kIntersect, 1, 1},
    {"exclude", Function::kExclude, 1, 1},
    {"resolve", Function::kResolve, 0, 0},
    {"htmlChecks", Function::kHtmlChecks, 0, 0},
    {"htmlchecks", Function::kHtmlChecks, 0, 0},
    {"memberOf", Function::kMemberOf, 1, 1},
    {"conformsTo", Function::kConformsTo, 1, 1},
    {"abs", Function::kAbs, 0, 0},
    {"ceiling", Function::kCeiling, 0, 0},
    {"floor", Function::kFloor, 0, 0},
    {"round", Function::kRound, 0, 1},
    {"sum", Function::kSum, 0, 0},
    {"subsumes", Function::kSubsumes, 1, 1},
    {"subsumedBy", Function::kSubsumedBy, 1, 1},
};

constexpr std::string_view kCalendarUnits[] = {
    "year", "years", "month",  "months",  "week",   "weeks",   "day",         "days",
    "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"};

struct BinarySpec {
  std::string_view text;
  BinaryOp op;
  int precedence;  // higher binds tighter
};

constexpr BinarySpec kBinary[] = {
    {"*", BinaryOp::kMultiply, 10},  {"/", BinaryOp::kDivide, 10},
    {"div", BinaryOp::kDiv, 10},     {"mod", BinaryOp::kMod, 10},
    {"+", BinaryOp::kAdd, 9},        {"-", BinaryOp::kSubtract, 9},
    {"&", BinaryOp::kConcat, 9},     {"is", BinaryOp::kIs, 8},
    {"as", BinaryOp::kAs, 8},        {"|", BinaryOp::kUnion, 7},
    {"<", BinaryOp::kLess, 6},       {">", BinaryOp::kGreater, 6},
    {"<=", BinaryOp::kLessEqual, 6}, {">=", BinaryOp::kGreaterEqual, 6},
    {"=", BinaryOp::kEqual, 5},      {"~", BinaryOp::kEquivalent, 5},
    {"!=", BinaryOp::kNotEqual, 5},  {"!~", BinaryOp::kNotEquivalent, 5},
    {"in", BinaryOp::kIn, 4},        {"contains", BinaryOp::kContains, 4},
    {"and", BinaryOp::kAnd, 3},      {"or", BinaryOp::kOr, 2},
    {"xor", BinaryOp::kXor, 2},      {"implies", BinaryOp::kImplies, 1},
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<Node> ParseAll() {
    auto node = ParseExpression(0);
    if (!node.ok()) return node;
    if (Peek().kind != TokenKind::kEnd) return Error("unexpected token after expression");
    return node;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool IsSymbol(std::string_view s) const {
    return Peek().kind == TokenKind::kSymbol && Peek().text == s;
  }
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(
        Cat("FHIRPath syntax error at offset ", Peek().position, ": ", what,
            Peek().kind == TokenKind::kEnd ? " (at end)" : Cat(" near '", Peek().text, "'")));
  }
  absl::Status Expect(std::string_view symbol) {
    if (!IsSymbol(symbol)) return Error(Cat("expected '", symbol, "'"));
    Next();
    return absl::OkStatus();
  }

  const BinarySpec* PeekBinary() const {
    const Token& t = Peek();
    if (t.kind != TokenKind::kSymbol && (t.kind != TokenKind::kIdentifier || t.delimited)) {
      return nullptr;
    }
    for (const BinarySpec& spec : kBinary) {
      if (spec.text == t.text) return &spec;
    }
    return nullptr;
  }

  absl::StatusOr<Node> ParseExpression(int min_precedence) {
    auto left = ParseUnary();
    if (!left.ok()) return left;
    while (const BinarySpec* spec = PeekBinary()) {
      if (spec->precedence < min_precedence) break;
      Node node;
      node.position = Next().position;
      node.op = spec->op;
      node.children.push_back(*std::move(left));
      if (spec->op == BinaryOp::kIs || spec->op == BinaryOp::kAs) {
        auto type = ParseTypeName();
        if (!type.ok()) return type.status();
        node.kind = NodeKind::kTypeTest;
        node.name = *std::move(type);
      } else {
        auto right = ParseExpression(spec->precedence + 1);
        if (!right.ok()) return right;
        node.kind = NodeKind::kBinary;
        node.children.push_back(*std::move(right));
      }
      left = std::move(node);
    }
    return left;
  }

  absl::StatusOr<std::string> ParseTypeName() {
    if (Peek().kind != TokenKind::kIdentifier) return Error("expected a type name");
    std::string name = Next().text;
    while (IsSymbol(".") && tokens_[pos_ + 1].kind == TokenKind::kIdentifier) {
      Next();
      name += "." + Next().text;
    }
    return name;
  }

  absl::StatusOr<Node> ParseUnary() {
    if (IsSymbol("-") || IsSymbol("+")) {
      bool negate = Next().text == "-";
      auto operand = ParseUnary();
      if (!operand.ok() || !negate) return operand;
      Node node;
      node.kind = NodeKind::kNegate;
      node.children.push_back(*std::move(operand));
      return node;
    }
    auto term = ParseTerm();
    if (!term.ok()) return term;
    return ParsePostfix(*std::move(term));
  }

  absl::StatusOr<Node> ParsePostfix(Node node) {
    while (true) {
      if (IsSymbol(".")) {
        Next();
        if (Peek().kind != TokenKind::kIdentifier) return Error("expected a name after '.'");
        auto invocation = ParseInvocation(Next());
        if (!invocation.ok()) return invocation;
        invocation->has_receiver = true;
        invocation->children.insert(invocation->children.begin(), std::move(node));
        auto checked = CheckFunction(*invocation);
        if (!checked.ok()) return checked;
        node = *std::move(checked);
      } else if (IsSymbol("[")) {
        Node index;
        index.kind = NodeKind::kIndex;
        index.position = Next().position;
        auto inner = ParseExpression(0);
        if (!inner.ok()) return inner;
        if (auto s = Expect("]"); !s.ok()) return s;
        index.children.push_back(std::move(node));
        index.children.push_back(*std::move(inner));
        node = std::move(index);
      } else {
        return node;
      }
    }
  }

  // A member name or a function call (arguments parsed, receiver not yet attached).
  absl::StatusOr<Node> ParseInvocation(const Token& name) {
    Node node;
    node.position = name.position;
    node.name = name.text;
    if (!IsSymbol("(") || name.delimited) {
      node.kind = NodeKind::kMember;
      node.choice = IsChoiceElement(node.name);
      return node;
    }
    Next();
    node.kind = NodeKind::kFunction;
    while (!IsSymbol(")")) {
      auto arg = ParseExpression(0);
      if (!arg.ok()) return arg;
      node.children.push_back(*std::move(arg));
      if (!IsSymbol(",")) break;
      Next();
    }
    if (auto s = Expect(")"); !s.ok()) return s;
    return node;
  }

  absl::StatusOr<Node> ParseTerm();
  absl::StatusOr<Node> ParseLiteral(const Token& token);
  absl::StatusOr<Node> CheckFunction(Node& node);

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

absl::StatusOr<Node> Parser::ParseTerm() {
  const Token& token = Peek();
  if (IsSymbol("(")) {
    Next();
    auto inner = ParseExpression(0);
    if (!inner.ok()) return inner;
    if (auto s = Expect(")"); !s.ok()) return s;
    return inner;
  }
  if (IsSymbol("{")) {
    Next();
    if (auto s = Expect("}"); !s.ok()) return s;
    Node node;
    node.kind = NodeKind::kEmpty;
    return node;
  }
  Node node;
  node.position = token.position;
  switch (token.kind) {
    case TokenKind::kSpecial:
      node.kind = token.text == "this"    ? NodeKind::kThis
                  : token.text == "index" ? NodeKind::kIndexVar
                                          : NodeKind::kTotal;
      Next();
      return node;
    case TokenKind::kVariable:
      node.kind = NodeKind::kVariable;
      node.name = Next().text;
      return node;
    case TokenKind::kIdentifier:
      if (!token.delimited && (token.text == "true" || token.text == "false")) {
        node.literal = Item::Boolean(Next().text == "true");
        return node;
      }
      {
        auto invocation = ParseInvocation(Next());
        if (!invocation.ok()) return invocation;
        return CheckFunction(*invocation);
      }
    case TokenKind::kEnd:
    case TokenKind::kSymbol:
      return Error("expected an expression");
    default:
      return ParseLiteral(Next());
  }
}

absl::StatusOr<Node> Parser::ParseLiteral(const Token& token) {
  Node node;
  node.position = token.position;
  if (token.kind == TokenKind::kString) {
    node.literal = Item::String(token.text);
    return node;
  }
  if (token.kind == TokenKind::kDateTime || token.kind == TokenKind::kTime) {
    auto kind = token.kind == TokenKind::kTime ? TemporalKind::kTime : TemporalKind::kDate;
    std::string_view text = token.text;
    if (kind == TemporalKind::kDate && !text.empty() && text.back() == 'T') {
      text.remove_suffix(1);  // @2014T is a dateTime of year precision
      kind = TemporalKind::kDateTime;
    }
    auto t = Temporal::Parse(text, kind);
    if (!t) return Error("invalid date/time literal");
    node.literal = Item::FromTemporal(*t);
    return node;
  }
  auto value = Decimal::Parse(token.text);
  if (!value) return Error("number out of range");
  bool integer = token.text.find('.') == std::string::npos;
  // A quantity: number followed by a unit string or a calendar duration keyword.
  if (Peek().kind == TokenKind::kString ||
      (Peek().kind == TokenKind::kIdentifier && !Peek().delimited &&
       std::find(std::begin(kCalendarUnits), std::end(kCalendarUnits), Peek().text) !=
           std::end(kCalendarUnits))) {
    node.literal = Item::Quantity(*value, Next().text);
    return node;
  }
  if (integer) {
    auto n = value->ToInteger();
    if (!n) return Error("integer out of range");
    node.literal = Item::Integer(*n);
  } else {
    node.literal = Item::FromDecimal(*value);
  }
  return node;
}

// Resolves the function name, checks the argument count, and precompiles type names and literal
// regular expressions.
absl::StatusOr<Node> Parser::CheckFunction(Node& node) {
  if (node.kind != NodeKind::kFunction) return std::move(node);
  const FunctionSpec* spec = nullptr;
  for (const FunctionSpec& s : kFunctions) {
    if (s.name == node.name) spec = &s;
  }
  if (spec == nullptr) {
    return absl::InvalidArgumentError(
        Cat("FHIRPath error at offset ", node.position, ": unknown function '", node.name, "'"));
  }
  int args = static_cast<int>(node.children.size()) - (node.has_receiver ? 1 : 0);
  if (args < spec->min_args || args > spec->max_args) {
    return absl::InvalidArgumentError(Cat("FHIRPath error at offset ", node.position,
                                          ": wrong number of arguments for '", node.name, "()'"));
  }
  node.function = spec->function;
  if (spec->function == Function::kOfType || spec->function == Function::kAs ||
      spec->function == Function::kIs) {
    // The argument is a type specifier: keep its (possibly qualified) name.
    std::string type;
    for (const Node* n = &node.children.back(); n != nullptr;) {
      if (n->kind != NodeKind::kMember) {
        return absl::InvalidArgumentError(
            Cat("FHIRPath error at offset ", n->position, ": expected a type name"));
      }
      type = type.empty() ? n->name : Cat(n->name, ".", type);
      n = n->has_receiver ? &n->children[0] : nullptr;
    }
    node.name = std::move(type);
  }
  if (spec->function == Function::kMatches || spec->function == Function::kReplaceMatches) {
    const Node& pattern = node.children[node.has_receiver ? 1 : 0];
    if (pattern.kind == NodeKind::kLiteral && pattern.literal.kind() == ItemKind::kString) {
      node.regex = CompileRegex(pattern.literal.text());
      if (node.regex == nullptr) {
        return absl::InvalidArgumentError(
            Cat("FHIRPath error at offset ", pattern.position, ": invalid regex"));
      }
    }
  }
  return std::move(node);
}

}  // namespace
}  // namespace internal

namespace internal {

// Functions that evaluate their argument once per input item, with that item as $this: the
// argument cannot see the caller's focus, so only the receiver decides.
// Also ofType()/as()/is(), whose argument is a type name, not an expression on the focus.
bool IteratesArgument(Function f) {
  return f == Function::kWhere || f == Function::kSelect || f == Function::kAll ||
         f == Function::kExists || f == Function::kRepeat || f == Function::kOfType ||
         f == Function::kAs || f == Function::kIs;
}

void ClearMemoize(Node& node) {
  node.memoize = false;
  for (Node& child : node.children) ClearMemoize(child);
}

bool MarkContextOnly(Node& node) {
  std::vector<bool> only;
  for (Node& child : node.children) only.push_back(MarkContextOnly(child));
  bool all = std::all_of(only.begin(), only.end(), [](bool b) { return b; });
  bool context_only = false;
  switch (node.kind) {
    case NodeKind::kLiteral:
    case NodeKind::kEmpty:
    case NodeKind::kVariable:
      return true;  // cheap: never memoized themselves
    case NodeKind::kThis:
    case NodeKind::kIndexVar:
    case NodeKind::kTotal:
      return false;
    case NodeKind::kMember:
      context_only = node.has_receiver && all;
      break;
    case NodeKind::kFunction:
      // now()/today() read the context too, but have no receiver and cost nothing.
      context_only = node.has_receiver && (IteratesArgument(node.function) ? only[0] : all);
      break;
    case NodeKind::kIndex:
    case NodeKind::kBinary:
    case NodeKind::kNegate:
    case NodeKind::kTypeTest:
      context_only = all;
      break;
  }
  if (context_only) {
    // Only the largest context-only expression is kept: what is inside it runs once anyway.
    for (Node& child : node.children) ClearMemoize(child);
  }
  node.memoize = context_only;
  return context_only;
}

}  // namespace internal

absl::StatusOr<Expression> Compile(std::string_view text) {
  auto tokens = internal::Tokenize(text);
  if (!tokens.ok()) return tokens.status();
  internal::Parser parser(*std::move(tokens));
  auto root = parser.ParseAll();
  if (!root.ok()) return root.status();
  internal::MarkContextOnly(*root);
  Expression expression;
  expression.text_ = std::string(text);
  expression.root_ = std::make_shared<const internal::Node>(*std::move(root));
  return expression;
}

}  // namespace zorgbrug::fhir::fhirpath
