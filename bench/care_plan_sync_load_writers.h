#pragma once

// The writers of `care_plan_sync_load`: one care plan per patient (the golden perinatal plan of
// adapters/careplan/testdata with the patient's own keys), written with CarePlanSync.PutCarePlan
// either from the version held (put) or from an older version with an edit that merges cleanly
// with what was written since (put-merge). Every write changes one text field (an "edit slot":
// the title, a life goal's text, a care goal's description or a task's description).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/load_loop.h"
#include "zorgbrug/v1/care_plan_sync.grpc.pb.h"

namespace zorgbrug::bench {

// The platform that writes the plans: the namespace of its keys and its endpoint (one of the
// gateway's default destinations, so its messages go to the two others).
inline constexpr char kPlatformKeys[] = "https://platform.example.be/keys";
inline constexpr char kPlatformEndpoint[] = "https://platform.example.be/fhir";

using SteadyClock = std::chrono::steady_clock;

// The plan of every patient, a zorgbrug.v1.CarePlan as text format with at least one care goal and
// one task; nullopt when it cannot be read.
std::optional<v1::CarePlan> LoadPlanTemplate(const std::string& path);
// adapters/careplan/testdata/golden/audience_gp.textproto (the full perinatal plan).
std::string DefaultPlanPath();

// "CP-000042" for patient 42; PatientOf gives 42 back, and -1 for a key of another form.
std::string PatientKey(int patient);
int PatientOf(const std::string& key);

// A committed write as its writer saw it (steady clock).
struct WriteRecord {
  int patient = 0;
  int64_t version = 0;
  SteadyClock::time_point sent;
  SteadyClock::time_point answered;
};

enum class WriteMode { kPut, kMerge };

// CallResult tags of the writes: what the gateway did with an OK answer, and the failures that
// are counted on their own.
inline constexpr char kTagPut[] = "put";
inline constexpr char kTagMerge[] = "merge";
inline constexpr char kTagAborted[] = "ABORTED";
inline constexpr char kTagLostEdit[] = "lost-edit";
inline constexpr char kTagWrongKind[] = "merged-when-not-expected";

class PlanWriters {
 public:
  PlanWriters(v1::CarePlan plan_template, int patients);
  ~PlanWriters();

  // Writes version 1 of the plan of every patient that has none yet (one call at a time).
  grpc::Status CreatePlans(const std::shared_ptr<grpc::Channel>& channel);

  // Starts a point of `in_flight` writers: caller slot s writes the patients p with
  // p % in_flight == s in turn (each patient has one writer). `record`: keep a WriteRecord of
  // every committed write. Not thread-safe; no point may be running.
  void BeginPoint(int in_flight, bool record);

  // The calls of the point: thread-safe for distinct slots (< the point's in_flight).
  CallFn Calls(WriteMode mode, const std::vector<std::shared_ptr<grpc::Channel>>& channels);

  // Plan changes committed since BeginPoint, warm-up and the calls after the window included.
  int64_t committed() const { return committed_.load(); }
  // The records of the point (after it ended).
  std::vector<WriteRecord> TakeRecords();

  // Reads every written plan back with GetCarePlan; the number that differ from the plan the
  // last answer for that patient carried (first difference in `problem`).
  int64_t CheckHeld(const std::shared_ptr<grpc::Channel>& channel, std::string* problem);

  int edit_slots() const { return edit_slots_; }
  int patients() const { return static_cast<int>(patients_.size()); }

 private:
  struct Patient;

  CallResult Write(v1::CarePlanSync::Stub& stub, WriteMode mode, int patient, uint64_t n);
  // The plan to send for `patient` and the slot it edits; prepares the merge base.
  v1::CarePlan Theirs(Patient& state, WriteMode mode, uint64_t n, int& slot) const;
  // After an error: the plan held, read again; no merge base.
  void Resync(v1::CarePlanSync::Stub& stub, int patient);
  std::string EditedValue(int slot, uint64_t n) const;

  const v1::CarePlan template_;
  const int edit_slots_;
  std::vector<std::unique_ptr<Patient>> patients_;
  int in_flight_ = 1;
  bool record_ = false;
  std::vector<size_t> next_;                       // per slot: its next patient (round robin)
  std::vector<std::vector<WriteRecord>> records_;  // per slot
  std::atomic<int64_t> committed_{0};
};

}  // namespace zorgbrug::bench
