#include "gateway/submission_file.h"

#include <google/protobuf/util/json_util.h>

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "fhir/issues.h"
#include "fhir/json/parser.h"

namespace zorgbrug::gateway {
namespace {

constexpr SubmissionKind kRequestKinds[] = {
    SubmissionKind::kEpdRecord,
    SubmissionKind::kBibScreening,
    SubmissionKind::kConsultation,
    SubmissionKind::kCarePlanContribution,
};

SubmitRequest EmptyRequest(SubmissionKind kind) {
  switch (kind) {
    case SubmissionKind::kEpdRecord:
      return v1::SubmitEpdRecordRequest();
    case SubmissionKind::kBibScreening:
      return v1::SubmitBibScreeningRequest();
    case SubmissionKind::kConsultation:
      return v1::SubmitConsultationRequest();
    default:
      return v1::SubmitCarePlanContributionRequest();
  }
}

// Parses proto3 JSON into `request` strictly; the parser's message on failure.
std::optional<std::string> ParseRequest(std::string_view text, SubmitRequest& request) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  return std::visit(
      [&](auto& message) -> std::optional<std::string> {
        const auto status = google::protobuf::util::JsonStringToMessage(
            google::protobuf::StringPiece(text.data(), text.size()), &message, options);
        if (status.ok()) return std::nullopt;
        return status.message().ToString();
      },
      request);
}

absl::StatusOr<SubmissionFile> ParseAs(std::string text, SubmissionKind kind) {
  SubmissionFile file;
  file.kind = kind;
  file.request = EmptyRequest(kind);
  if (std::optional<std::string> error = ParseRequest(text, file.request)) {
    return absl::InvalidArgumentError(std::string(SubmissionKindName(kind)) + ": " + *error);
  }
  return file;
}

// The MessageHeader's id and event code of a message Bundle, when its first entry has one.
void ReadMessageHeader(const fhir::json::Value& bundle, SubmissionFile& file) {
  const fhir::json::Value* entries = bundle.Find("entry");
  if (entries == nullptr || entries->items().empty()) return;
  const fhir::json::Value* header = entries->items()[0].Find("resource");
  if (header == nullptr || header->FindString("resourceType") != "MessageHeader") return;
  file.message_id = std::string(header->FindString("id"));
  if (const fhir::json::Value* event = header->Find("eventCoding")) {
    file.event = std::string(event->FindString("code"));
  }
}

std::optional<fhir::json::Document> ParseJson(std::string_view text, std::string& error) {
  fhir::json::ParseLimits limits;
  limits.max_bytes = text.size();
  fhir::IssueCollector issues;
  std::optional<fhir::json::Document> document = fhir::json::Parse(text, limits, issues);
  if (!document && !issues.issues().empty()) error = issues.issues().front().diagnostics;
  return document;
}

SubmissionFile FhirMessage(std::string text, const fhir::json::Value* root) {
  SubmissionFile file;
  file.kind = SubmissionKind::kFhirMessage;
  if (root != nullptr) ReadMessageHeader(*root, file);
  file.bundle_json = std::move(text);
  return file;
}

// The one request kind `text` parses as.
absl::StatusOr<SubmissionFile> DetectRequest(std::string text) {
  std::vector<SubmissionFile> parsed;
  std::string errors;
  for (SubmissionKind kind : kRequestKinds) {
    absl::StatusOr<SubmissionFile> file = ParseAs(text, kind);
    if (file.ok()) {
      parsed.push_back(*std::move(file));
    } else {
      errors += "\n  " + std::string(file.status().message());
    }
  }
  if (parsed.size() == 1) return std::move(parsed.front());
  if (parsed.empty()) {
    return absl::InvalidArgumentError(
        "neither a FHIR message Bundle nor a submission request of any kind (--kind KIND names "
        "the kind meant):" +
        errors);
  }
  std::string kinds;
  for (const SubmissionFile& file : parsed) {
    kinds += (kinds.empty() ? "" : ", ") + std::string(SubmissionKindName(file.kind));
  }
  return absl::InvalidArgumentError("ambiguous: the file parses as each of " + kinds +
                                    " (use --kind KIND)");
}

}  // namespace

std::string_view SubmissionKindName(SubmissionKind kind) {
  switch (kind) {
    case SubmissionKind::kAuto:
      return "auto";
    case SubmissionKind::kEpdRecord:
      return "epd-record";
    case SubmissionKind::kBibScreening:
      return "bib-screening";
    case SubmissionKind::kConsultation:
      return "consultation";
    case SubmissionKind::kCarePlanContribution:
      return "care-plan-contribution";
    case SubmissionKind::kFhirMessage:
      return "fhir-message";
  }
  return "unknown";
}

absl::StatusOr<SubmissionFile> ParseSubmissionFile(std::string text, SubmissionKind kind) {
  if (kind != SubmissionKind::kAuto && kind != SubmissionKind::kFhirMessage) {
    absl::StatusOr<SubmissionFile> file = ParseAs(std::move(text), kind);
    if (!file.ok()) {
      return absl::InvalidArgumentError("does not parse as the request of kind " +
                                        std::string(file.status().message()));
    }
    return file;
  }
  std::string error;
  std::optional<fhir::json::Document> document = ParseJson(text, error);
  if (kind == SubmissionKind::kFhirMessage) {
    return FhirMessage(std::move(text), document ? &document->root() : nullptr);
  }
  if (!document) return absl::InvalidArgumentError("not JSON: " + error);
  const std::string_view type = document->root().FindString("resourceType");
  if (type == "Bundle") return FhirMessage(std::move(text), &document->root());
  if (!type.empty()) {
    return absl::InvalidArgumentError("a FHIR " + std::string(type) +
                                      ", not a message Bundle: the gateway takes FHIR content as "
                                      "a Bundle of type message");
  }
  return DetectRequest(std::move(text));
}

v1::SubmissionHeader& HeaderOf(SubmitRequest& request) {
  return std::visit(
      [](auto& message) -> v1::SubmissionHeader& { return *message.mutable_submission(); },
      request);
}

}  // namespace zorgbrug::gateway
