#include "gateway/bib_screening_service.h"

#include <utility>

#include "gateway/rpc_util.h"
#include "gateway/validate.h"

namespace zorgbrug::gateway {
namespace {

// Answers with `result`: its response on OK, the status of its rejection otherwise.
template <typename Result, typename Response>
grpc::Status Answer(Result result, Response* response) {
  grpc::Status status = StatusOf(result);
  if (status.ok()) *response = std::move(result.response);
  return status;
}

}  // namespace

BibScreeningOptions BibScreeningService::CallOptions() const {
  BibScreeningOptions options = options_;
  options.new_uuid = NewUuid;
  options.now = CurrentInstant();
  return options;
}

grpc::ServerUnaryReactor* BibScreeningService::ToFhir(grpc::CallbackServerContext* context,
                                                      const v1::BibToFhirRequest* request,
                                                      v1::BibToFhirResponse* response) {
  return Serve(context, "BibScreenings.ToFhir",
               [&] { return Answer(BibToFhir(*request, CallOptions()), response); });
}

grpc::ServerUnaryReactor* BibScreeningService::FromFhir(grpc::CallbackServerContext* context,
                                                        const v1::BibFromFhirRequest* request,
                                                        v1::BibFromFhirResponse* response) {
  return Serve(context, "BibScreenings.FromFhir",
               [&] { return Answer(BibFromFhir(*request, CallOptions()), response); });
}

grpc::ServerUnaryReactor* BibScreeningService::Evaluate(grpc::CallbackServerContext* context,
                                                        const v1::EvaluateRequest* request,
                                                        v1::EvaluateResponse* response) {
  return Serve(context, "BibScreenings.Evaluate",
               [&] { return Answer(BibEvaluate(*request), response); });
}

grpc::ServerUnaryReactor* BibScreeningService::GetDefinitions(
    grpc::CallbackServerContext* context, const v1::GetDefinitionsRequest* /*request*/,
    v1::GetDefinitionsResponse* response) {
  return Serve(context, "BibScreenings.GetDefinitions", [&] {
    *response = BibDefinitions();
    return grpc::Status::OK;
  });
}

}  // namespace zorgbrug::gateway
