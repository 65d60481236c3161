#include "bench/care_plan_sync_load_writers.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

namespace zorgbrug::bench {
namespace {

constexpr char kPlanGolden[] = "/adapters/careplan/testdata/golden/audience_gp.textproto";

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(60);
}

int SlotCount(const v1::CarePlan& plan) {
  return 1 + plan.life_goals_size() + plan.care_goals_size() + plan.tasks_size();
}

// The text field of edit slot `slot`: the title, then the life goals' texts, the care goals'
// descriptions and the tasks' descriptions. Each is merged on its own (adapters/careplan/merge.h).
std::string* SlotField(v1::CarePlan& plan, int slot) {
  if (slot == 0) return plan.mutable_title();
  slot -= 1;
  if (slot < plan.life_goals_size()) return plan.mutable_life_goals(slot)->mutable_text();
  slot -= plan.life_goals_size();
  if (slot < plan.care_goals_size()) return plan.mutable_care_goals(slot)->mutable_description();
  slot -= plan.care_goals_size();
  return plan.mutable_tasks(slot)->mutable_description();
}

const std::string& SlotValue(const v1::CarePlan& plan, int slot) {
  return *SlotField(const_cast<v1::CarePlan&>(plan), slot);
}

v1::PutCarePlanRequest PutRequest(v1::CarePlan plan, const std::string& submission_id) {
  v1::PutCarePlanRequest request;
  request.mutable_submission()->set_submission_id(submission_id);
  request.mutable_submission()->set_source_system(kPlatformEndpoint);
  request.set_local_key_system_base(kPlatformKeys);
  *request.mutable_plan() = std::move(plan);
  return request;
}

}  // namespace

// What the writer of a patient knows of her plan. Only that writer touches it during a point.
struct PlanWriters::Patient {
  v1::CarePlan held;      // the plan of the last answer; version 0: none written
  v1::CarePlan previous;  // the plan one version before `held`; version 0: unknown
  int last_slot = -1;     // the slot that changed from `previous` to `held`
  // put-merge: the version written from (version 0: none), the slots changed since it, and the
  // edits made since it, each of which must be in every later answer.
  v1::CarePlan base;
  std::vector<bool> used;
  std::vector<std::pair<int, std::string>> edits;
};

std::optional<v1::CarePlan> LoadPlanTemplate(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  v1::CarePlan plan;
  if (!google::protobuf::TextFormat::ParseFromString(text.str(), &plan)) return std::nullopt;
  if (plan.care_goals_size() == 0 || plan.tasks_size() == 0) return std::nullopt;
  return plan;
}

std::string DefaultPlanPath() { return std::string(ZORGBRUG_SOURCE_DIR) + kPlanGolden; }

std::string PatientKey(int patient) {
  char key[32];
  std::snprintf(key, sizeof(key), "CP-%06d", patient);
  return key;
}

int PatientOf(const std::string& key) {
  if (key.size() != 9 || key.compare(0, 3, "CP-") != 0) return -1;
  return std::atoi(key.c_str() + 3);
}

PlanWriters::PlanWriters(v1::CarePlan plan_template, int patients)
    : template_(std::move(plan_template)), edit_slots_(SlotCount(template_)) {
  for (int i = 0; i < patients; ++i) patients_.push_back(std::make_unique<Patient>());
}

PlanWriters::~PlanWriters() = default;

grpc::Status PlanWriters::CreatePlans(const std::shared_ptr<grpc::Channel>& channel) {
  std::unique_ptr<v1::CarePlanSync::Stub> stub = v1::CarePlanSync::NewStub(channel);
  for (int p = 0; p < patients(); ++p) {
    Patient& state = *patients_[p];
    if (state.held.version() > 0) continue;
    v1::CarePlan plan = template_;
    plan.set_local_key("ZP-" + PatientKey(p));
    plan.set_patient_local_key(PatientKey(p));
    plan.set_pregnancy_local_key("PR-" + PatientKey(p));
    plan.set_version(0);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::SubmissionResponse response;
    const grpc::Status status = stub->PutCarePlan(
        &context, PutRequest(std::move(plan), "create-" + PatientKey(p)), &response);
    if (!status.ok()) return status;
    state.held = response.care_plan();
  }
  return grpc::Status::OK;
}

void PlanWriters::BeginPoint(int in_flight, bool record) {
  in_flight_ = in_flight;
  record_ = record;
  next_.assign(in_flight, 0);
  records_.assign(in_flight, {});
  committed_ = 0;
}

std::vector<WriteRecord> PlanWriters::TakeRecords() {
  std::vector<WriteRecord> all;
  for (std::vector<WriteRecord>& slot : records_) {
    all.insert(all.end(), slot.begin(), slot.end());
    slot.clear();
  }
  return all;
}

CallFn PlanWriters::Calls(WriteMode mode,
                          const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  auto stubs = std::make_shared<std::vector<std::unique_ptr<v1::CarePlanSync::Stub>>>();
  for (const auto& channel : channels) stubs->push_back(v1::CarePlanSync::NewStub(channel));
  return [this, stubs, mode](int slot, uint64_t n) {
    // The slot's patients: slot, slot + in_flight, ... (at least one: patients >= in_flight).
    const size_t owned = (patients_.size() - slot + in_flight_ - 1) / in_flight_;
    const int patient = slot + static_cast<int>(next_[slot]++ % owned) * in_flight_;
    return Write(*(*stubs)[slot % stubs->size()], mode, patient, n);
  };
}

std::string PlanWriters::EditedValue(int slot, uint64_t n) const {
  return SlotValue(template_, slot) + " (edit " + std::to_string(n) + ")";
}

v1::CarePlan PlanWriters::Theirs(Patient& state, WriteMode mode, uint64_t n, int& slot) const {
  if (mode == WriteMode::kPut) {
    state.base.Clear();
    state.edits.clear();
    slot = (state.last_slot + 1) % edit_slots_;
    v1::CarePlan theirs = state.held;
    *SlotField(theirs, slot) = EditedValue(slot, n);
    return theirs;
  }
  if (state.base.version() == 0 ||
      std::all_of(state.used.begin(), state.used.end(), [](bool used) { return used; })) {
    // A new base one version behind the plan held when it is known (so that every write merges),
    // else the plan held (the first write from it is a plain put).
    state.used.assign(edit_slots_, false);
    state.edits.clear();
    if (state.previous.version() > 0 && state.last_slot >= 0) {
      state.base = state.previous;
      state.used[state.last_slot] = true;
      state.edits.emplace_back(state.last_slot, SlotValue(state.held, state.last_slot));
    } else {
      state.base = state.held;
    }
  }
  slot = (state.last_slot + 1) % edit_slots_;
  while (state.used[slot]) slot = (slot + 1) % edit_slots_;
  v1::CarePlan theirs = state.base;
  *SlotField(theirs, slot) = EditedValue(slot, n);
  return theirs;
}

CallResult PlanWriters::Write(v1::CarePlanSync::Stub& stub, WriteMode mode, int patient,
                              uint64_t n) {
  Patient& state = *patients_[patient];
  int slot = 0;
  v1::CarePlan theirs = Theirs(state, mode, n, slot);
  const bool expect_merge = theirs.version() != state.held.version();
  const std::string value = SlotValue(theirs, slot);
  const v1::PutCarePlanRequest request = PutRequest(std::move(theirs), "w-" + std::to_string(n));
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  v1::SubmissionResponse response;
  CallResult result;
  const SteadyClock::time_point sent = SteadyClock::now();
  result.status = stub.PutCarePlan(&context, request, &response);
  const SteadyClock::time_point answered = SteadyClock::now();
  if (!result.status.ok()) {
    if (result.status.error_code() == grpc::StatusCode::ABORTED) result.tag = kTagAborted;
    Resync(stub, patient);
    return result;
  }
  if (response.care_plan_changed()) ++committed_;
  if (record_) {
    // The slot's own vector: slot == patient % in_flight.
    records_[patient % in_flight_].push_back(
        {patient, response.care_plan_version(), sent, answered});
  }
  state.previous = std::move(state.held);
  state.held = response.care_plan();
  state.last_slot = slot;
  result.tag = response.care_plan_merged() ? kTagMerge : kTagPut;
  if (response.care_plan_merged() != expect_merge) result.tag = kTagWrongKind;
  if (mode == WriteMode::kPut) return result;
  state.used[slot] = true;
  state.edits.emplace_back(slot, value);
  for (const auto& [edited, text] : state.edits) {
    if (SlotValue(state.held, edited) != text) result.tag = kTagLostEdit;
  }
  return result;
}

void PlanWriters::Resync(v1::CarePlanSync::Stub& stub, int patient) {
  Patient& state = *patients_[patient];
  state.previous.Clear();
  state.last_slot = -1;
  state.base.Clear();
  state.edits.clear();
  v1::GetCarePlanRequest request;
  request.set_local_key_system_base(kPlatformKeys);
  request.set_patient_local_key(PatientKey(patient));
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  v1::GetCarePlanResponse response;
  if (stub.GetCarePlan(&context, request, &response).ok()) state.held = response.plan();
}

int64_t PlanWriters::CheckHeld(const std::shared_ptr<grpc::Channel>& channel,
                               std::string* problem) {
  std::unique_ptr<v1::CarePlanSync::Stub> stub = v1::CarePlanSync::NewStub(channel);
  int64_t differ = 0;
  for (int p = 0; p < patients(); ++p) {
    const Patient& state = *patients_[p];
    if (state.held.version() == 0) continue;
    v1::GetCarePlanRequest request;
    request.set_local_key_system_base(kPlatformKeys);
    request.set_patient_local_key(PatientKey(p));
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::GetCarePlanResponse response;
    const grpc::Status status = stub->GetCarePlan(&context, request, &response);
    if (status.ok() &&
        google::protobuf::util::MessageDifferencer::Equals(response.plan(), state.held)) {
      continue;
    }
    if (differ++ == 0 && problem != nullptr) {
      *problem = PatientKey(p) + ": " +
                 (status.ok() ? "held version " + std::to_string(response.plan().version()) +
                                    " differs from the last answer's version " +
                                    std::to_string(state.held.version())
                              : status.error_message());
    }
  }
  return differ;
}

}  // namespace zorgbrug::bench
