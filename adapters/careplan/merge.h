#pragma once

// The three-way merge of concurrent edits of a care plan (adapters/careplan/README.md "Merging"):
// pure, deterministic, symmetric.

#include <vector>

#include "zorgbrug/v1/care_plan.pb.h"

namespace zorgbrug::adapters::careplan {

struct MergeResult {
  v1::CarePlan merged;
  // Empty when everything merged. Each conflict leaves the base's value in `merged` (for an element
  // both sides added with the same key, differently, the element is left out).
  std::vector<v1::CarePlanConflict> conflicts;
};

// Merges `ours` and `theirs`, both edited from `base`, element by element: the plan's own fields
// one by one; life goals, care goals, tasks, team members and messages by key, field by field
// within an element; access decisions by (member, member kind, content); the repeated strings
// (candidates, life-goal links, recipients, contributions) and roles as sets. A change on one side
// only is taken; the same change on both sides is taken once; different changes to the same field
// are a BOTH_CHANGED conflict; a removal against a change is CHANGED_AND_REMOVED; two different
// additions under one key are BOTH_ADDED. Never last-writer-wins.
//
// Properties (merge_test.cc): Merge(b, x, b) == x and Merge(b, b, x) == x; without conflicts
// Merge(b, x, y) == Merge(b, y, x); every field changed differently on both sides yields a
// conflict. Order: the base's elements in the base's order, then the added ones by key. Version:
// that of the side the result equals, else max(ours, theirs) + 1.
MergeResult Merge(const v1::CarePlan& base, const v1::CarePlan& ours, const v1::CarePlan& theirs);

}  // namespace zorgbrug::adapters::careplan
