#include "adapters/common/bundle_io.h"

#include <cstdio>
#include <ctime>

#include "absl/strings/str_cat.h"

namespace zorgbrug::adapters::common {

namespace json = fhir::json;

BundleWriter::BundleWriter(json::Document& doc, const MappingContext& context)
    : doc_(doc), context_(context) {
  json::Value& root = doc_.root();
  root = doc_.MakeObject();
  doc_.Set(root, "resourceType", doc_.MakeString("Bundle"));
  doc_.Set(root, "type", doc_.MakeString("collection"));
  entries_ = doc_.Set(root, "entry", doc_.MakeArray());
}

BundleWriter::Entry BundleWriter::Add(std::string_view type, std::string_view profile) {
  std::string id = context_.new_uuid();
  Entry out{doc_.MakeObject(), "urn:uuid:" + id};
  json::Value entry = doc_.MakeObject();
  doc_.Set(entry, "fullUrl", doc_.MakeString(out.full_url));
  doc_.Set(out.resource, "resourceType", doc_.MakeString(type));
  doc_.Set(out.resource, "id", doc_.MakeString(id));
  if (!profile.empty()) {
    json::Value meta = doc_.MakeObject();
    json::Value profiles = doc_.MakeArray();
    doc_.Append(profiles, doc_.MakeString(profile));
    doc_.Set(meta, "profile", profiles);
    doc_.Set(out.resource, "meta", meta);
  }
  doc_.Set(entry, "resource", out.resource);
  doc_.Append(entries_, entry);
  return out;
}

void BundleWriter::Register(std::string key, std::string full_url) {
  registered_.emplace(std::move(key), std::move(full_url));
}

const std::string* BundleWriter::Find(std::string_view key) const {
  auto it = registered_.find(key);
  return it == registered_.end() ? nullptr : &it->second;
}

BundleReader::BundleReader(const json::Value& fhir) {
  if (fhir.FindString("resourceType") == "Bundle") {
    if (const json::Value* entries = fhir.Find("entry"); entries && entries->IsArray()) {
      for (size_t i = 0; i < entries->size(); ++i) {
        const json::Value& entry = entries->items()[i];
        const json::Value* resource = entry.Find("resource");
        if (resource == nullptr || !resource->IsObject()) continue;
        resources_.push_back(Resource{*resource, absl::StrCat("Bundle.entry[", i, "].resource"),
                                      entry.FindString("fullUrl")});
      }
    }
  } else if (fhir.IsObject()) {
    resources_.push_back(Resource{fhir, std::string(fhir.FindString("resourceType")), {}});
  }
  used_.assign(resources_.size(), false);
}

const BundleReader::Resource* BundleReader::Resolve(std::string_view reference) const {
  if (reference.empty()) return nullptr;
  for (const Resource& r : resources_) {
    if (!r.full_url.empty() && r.full_url == reference) return &r;
  }
  size_t slash = reference.rfind('/');
  if (slash == std::string_view::npos) return nullptr;
  std::string_view id = reference.substr(slash + 1);
  std::string_view head = reference.substr(0, slash);
  std::string_view type =
      head.substr(head.rfind('/') == std::string_view::npos ? 0 : head.rfind('/') + 1);
  for (const Resource& r : resources_) {
    if (r.value.FindString("resourceType") == type && r.value.FindString("id") == id) return &r;
  }
  return nullptr;
}

void BundleReader::MarkUsed(const Resource& resource) const {
  used_[static_cast<size_t>(&resource - resources_.data())] = true;
}

void SetString(json::Document& doc, json::Value& object, std::string_view name,
               std::string_view value) {
  if (!value.empty()) doc.Set(object, name, doc.MakeString(value));
}

json::Value AppendObject(json::Document& doc, json::Value& object, std::string_view array_name) {
  json::Value* array = object.Find(array_name);
  json::Value target = array != nullptr ? *array : doc.Set(object, array_name, doc.MakeArray());
  json::Value item = doc.MakeObject();
  doc.Append(target, item);
  return item;
}

json::Value Coding(json::Document& doc, std::string_view system, std::string_view code,
                   std::string_view display) {
  json::Value coding = doc.MakeObject();
  SetString(doc, coding, "system", system);
  SetString(doc, coding, "code", code);
  SetString(doc, coding, "display", display);
  return coding;
}

std::string InstantText(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return {};
  std::time_t seconds = static_cast<std::time_t>(t.seconds());
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buffer;
  if (t.nanos() != 0) {
    std::snprintf(buffer, sizeof(buffer), ".%03d", t.nanos() / 1000000);
    out += buffer;
  }
  return out + "Z";
}

std::string DateText(const v1::Date& d) {
  if (d.year() == 0) return {};
  char buffer[16];
  if (d.month() == 0) {
    std::snprintf(buffer, sizeof(buffer), "%04d", d.year());
  } else if (d.day() == 0) {
    std::snprintf(buffer, sizeof(buffer), "%04d-%02d", d.year(), d.month());
  } else {
    std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", d.year(), d.month(), d.day());
  }
  return buffer;
}

namespace {

bool Digits(std::string_view text, size_t at, size_t n, int& out) {
  if (at + n > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

bool ParseDate(std::string_view text, v1::Date& out) {
  int year = 0, month = 0, day = 0;
  if (!Digits(text, 0, 4, year)) return false;
  if (text.size() >= 7 && (text[4] != '-' || !Digits(text, 5, 2, month))) return false;
  if (text.size() >= 10 && (text[7] != '-' || !Digits(text, 8, 2, day))) return false;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return false;
  out.set_year(year);
  out.set_month(month);
  out.set_day(day);
  return true;
}

bool ParseInstant(std::string_view text, google::protobuf::Timestamp& out) {
  int y, mo, d, h, mi, s;
  if (text.size() < 20 || !Digits(text, 0, 4, y) || text[4] != '-' || !Digits(text, 5, 2, mo) ||
      text[7] != '-' || !Digits(text, 8, 2, d) || text[10] != 'T' || !Digits(text, 11, 2, h) ||
      text[13] != ':' || !Digits(text, 14, 2, mi) || text[16] != ':' || !Digits(text, 17, 2, s)) {
    return false;
  }
  size_t at = 19;
  int millis = 0;
  if (at < text.size() && text[at] == '.') {
    size_t digits = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++digits) {
      if (digits < 3) millis = millis * 10 + (text[at] - '0');
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  int offset = 0;
  if (at < text.size() && text[at] == 'Z' && at + 1 == text.size()) {
    offset = 0;
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh, om;
    if (!Digits(text, at + 1, 2, oh) || text[at + 3] != ':' || !Digits(text, at + 4, 2, om)) {
      return false;
    }
    offset = (text[at] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return false;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  out.set_seconds(static_cast<int64_t>(timegm(&tm)) - offset * 60);
  out.set_nanos(millis * 1000000);
  return true;
}

void ReportUnmapped(const json::Value& object, std::string_view expression,
                    std::initializer_list<std::string_view> mapped, fhir::IssueSink& issues) {
  if (!object.IsObject()) return;
  for (const json::Member& m : object.members()) {
    std::string_view name = m.name;
    std::string_view base = name.starts_with('_') ? name.substr(1) : name;
    bool known = base == "resourceType";
    for (std::string_view k : mapped) known = known || k == base;
    if (!known) {
      Report(
          issues, fhir::Severity::kInformation, fhir::IssueType::kInformational,
          std::string(expression) + "." + std::string(name),
          "'" + std::string(name) + "' has no counterpart in the typed message and was not mapped");
    }
  }
}

std::string LocalKeyOf(const json::Value& resource, std::string_view system,
                       std::string_view expression, fhir::IssueSink& issues) {
  if (const json::Value* ids = resource.Find("identifier"); ids != nullptr && ids->IsArray()) {
    for (const json::Value& id : ids->items()) {
      if (id.FindString("system") == system && !id.FindString("value").empty()) {
        return std::string(id.FindString("value"));
      }
    }
  }
  std::string where = std::string(expression) + ".identifier";
  std::string_view id = resource.FindString("id");
  if (id.empty()) {
    Report(issues, fhir::Severity::kError, fhir::IssueType::kRequired, where,
           "neither an identifier with the EPD's key system " + std::string(system) +
               " nor a resource id: the record needs a key");
    return {};
  }
  Report(issues, fhir::Severity::kInformation, fhir::IssueType::kInformational, where,
         "no identifier with the EPD's key system " + std::string(system) +
             "; the resource id is used as the local key");
  return std::string(id);
}

std::span<const json::Value> Items(const json::Value& object, std::string_view member) {
  const json::Value* array = object.Find(member);
  return array != nullptr && array->IsArray() ? array->items() : std::span<const json::Value>();
}

std::string Indexed(std::string_view path, std::string_view member, size_t i) {
  return Cat({path, ".", member, "[", std::to_string(i), "]"});
}

void Error(fhir::IssueSink& issues, fhir::IssueType type, std::string expression,
           std::string diagnostics) {
  Report(issues, fhir::Severity::kError, type, std::move(expression), std::move(diagnostics));
}

void Info(fhir::IssueSink& issues, std::string expression, std::string diagnostics) {
  Report(issues, fhir::Severity::kInformation, fhir::IssueType::kInformational,
         std::move(expression), std::move(diagnostics));
}

std::string Cat(std::initializer_list<std::string_view> parts) {
  size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  for (std::string_view part : parts) out.append(part);
  return out;
}

void Report(fhir::IssueSink& issues, fhir::Severity severity, fhir::IssueType type,
            std::string expression, std::string diagnostics) {
  issues.Report(fhir::Issue{severity, type, std::move(expression), std::move(diagnostics)});
}

}  // namespace zorgbrug::adapters::common
