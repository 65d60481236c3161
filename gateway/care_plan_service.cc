#include "gateway/care_plan_service.h"

#include "gateway/rpc_util.h"

namespace zorgbrug::gateway {

grpc::ServerUnaryReactor* CarePlanService::ToFhir(grpc::CallbackServerContext* context,
                                                  const v1::CarePlanToFhirRequest* request,
                                                  v1::CarePlanToFhirResponse* response) {
  return Serve(context, "CarePlans.ToFhir",
               [&] { return Answer(CarePlanToFhir(*request, ForCall(options_)), response); });
}

grpc::ServerUnaryReactor* CarePlanService::FromFhir(grpc::CallbackServerContext* context,
                                                    const v1::CarePlanFromFhirRequest* request,
                                                    v1::CarePlanFromFhirResponse* response) {
  return Serve(context, "CarePlans.FromFhir",
               [&] { return Answer(CarePlanFromFhir(*request, ForCall(options_)), response); });
}

grpc::ServerUnaryReactor* CarePlanService::Contribute(grpc::CallbackServerContext* context,
                                                      const v1::ContributeRequest* request,
                                                      v1::ContributeResponse* response) {
  return Serve(context, "CarePlans.Contribute",
               [&] { return Answer(CarePlanContribute(*request), response); });
}

grpc::ServerUnaryReactor* CarePlanService::Merge(grpc::CallbackServerContext* context,
                                                 const v1::MergeRequest* request,
                                                 v1::MergeResponse* response) {
  return Serve(context, "CarePlans.Merge",
               [&] { return Answer(CarePlanMerge(*request), response); });
}

}  // namespace zorgbrug::gateway
