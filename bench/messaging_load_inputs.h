#pragma once

// The inputs of `messaging_load`: BiB submissions built from the golden screening of
// adapters/bib/testdata, and FHIR messages built from ../shared/bench/message-bundle-15k.json, each
// request a new message (unique ids) of one of a set of patients.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zorgbrug/v1/messaging.pb.h"

namespace zorgbrug::bench {

// The namespace URI of the sender's keys in every request.
inline constexpr char kKeySystemBase[] = "https://epd.az-oost.example.be/keys";

// The submission template: adapters/bib/testdata/golden/all_kce_positive.textproto (an
// EvaluateRequest) as a SubmitBibScreeningRequest; nullopt when the file cannot be read.
std::optional<v1::SubmitBibScreeningRequest> LoadBibTemplate();

// `bib_template` as submission number `n` (submission_id "load-<n>") of patient "P-<n % patients>".
v1::SubmitBibScreeningRequest BibSubmission(const v1::SubmitBibScreeningRequest& bib_template,
                                            uint64_t n, int patients);

// The ~15 KB message Bundle with its event moved to our code system (the code, care-plan-update,
// is kept), cut at its Bundle.id, MessageHeader.id and Patient.id (ids, fullUrls, references), so
// that Make(n) is a new message (new Bundle.id and MessageHeader.id) of patient n % patients, of
// the same size for every n.
class BundleFactory {
 public:
  // `care_plan_focus_only`: also drop the QuestionnaireResponse from MessageHeader.focus (not a
  // focus type of care-plan-update). nullopt when the file cannot be read or has changed.
  static std::optional<BundleFactory> Load(bool care_plan_focus_only, int patients);

  std::string Make(uint64_t n) const;

 private:
  BundleFactory() = default;

  std::vector<std::string> pieces_;
  std::vector<char> kinds_;  // between the pieces: 'b' Bundle.id, 'a' MessageHeader.id, 'c' Patient
  int patients_ = 1;
};

// The two input files, for an error message.
std::string InputPaths();

}  // namespace zorgbrug::bench
