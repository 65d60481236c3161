#pragma once

// zorgbrug.v1.CarePlans on the gRPC callback API. Thin: decode, CarePlanToFhir / CarePlanFromFhir /
// CarePlanContribute / CarePlanMerge (care_plan.h), encode; a refused request's status comes from
// the core's rejection and carries the response as rich status details.

#include <grpcpp/grpcpp.h>

#include "gateway/care_plan.h"
#include "zorgbrug/v1/care_plan_translation.grpc.pb.h"

namespace zorgbrug::gateway {

class CarePlanService final : public v1::CarePlans::CallbackService {
 public:
  // `options.new_uuid` and `options.now` are replaced per call by NewUuid and the clock.
  explicit CarePlanService(TranslationOptions options) : options_(std::move(options)) {}

  grpc::ServerUnaryReactor* ToFhir(grpc::CallbackServerContext* context,
                                   const v1::CarePlanToFhirRequest* request,
                                   v1::CarePlanToFhirResponse* response) override;
  grpc::ServerUnaryReactor* FromFhir(grpc::CallbackServerContext* context,
                                     const v1::CarePlanFromFhirRequest* request,
                                     v1::CarePlanFromFhirResponse* response) override;
  grpc::ServerUnaryReactor* Contribute(grpc::CallbackServerContext* context,
                                       const v1::ContributeRequest* request,
                                       v1::ContributeResponse* response) override;
  grpc::ServerUnaryReactor* Merge(grpc::CallbackServerContext* context,
                                  const v1::MergeRequest* request,
                                  v1::MergeResponse* response) override;

 private:
  const TranslationOptions options_;
};

}  // namespace zorgbrug::gateway
