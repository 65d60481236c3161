#include "fhir/json/writer.h"

#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace zorgbrug::fhir::json {
namespace {

// Recursion depth is bounded by the parser's max_depth for parsed trees; trees built in code are
// shallow by construction.
template <typename Writer>
void WriteValue(const Value& value, Writer& writer) {
  switch (value.kind()) {
    case Kind::kNull:
      writer.Null();
      return;
    case Kind::kFalse:
      writer.Bool(false);
      return;
    case Kind::kTrue:
      writer.Bool(true);
      return;
    case Kind::kNumber:
      writer.RawValue(value.text().data(), value.text().size(), rapidjson::kNumberType);
      return;
    case Kind::kString:
      writer.String(value.text().data(), static_cast<rapidjson::SizeType>(value.text().size()));
      return;
    case Kind::kArray:
      writer.StartArray();
      for (const Value& item : value.items()) WriteValue(item, writer);
      writer.EndArray(static_cast<rapidjson::SizeType>(value.size()));
      return;
    case Kind::kObject:
      writer.StartObject();
      for (const Member& member : value.members()) {
        writer.Key(member.name.data(), static_cast<rapidjson::SizeType>(member.name.size()));
        WriteValue(member.value, writer);
      }
      writer.EndObject(static_cast<rapidjson::SizeType>(value.size()));
      return;
  }
}

}  // namespace

void WriteTo(const Value& value, const WriteOptions& options, std::string& out) {
  // StringBuffer lets RapidJSON reserve and copy in bulk; one memcpy into `out` is cheaper than
  // character-by-character appends. The buffer is kept per thread between calls: growing a fresh
  // one to a Bundle's tens of kilobytes took a dozen reallocations, and past glibc's mmap threshold
  // (128 KiB) a fresh mapping and its page faults on every call (4.6x the cost of mapping a care
  // plan of 75 entries, bench/careplan_bench). A buffer grown past kKeptCapacity by an unusually
  // large document is released after use.
  constexpr size_t kKeptCapacity = size_t{4} << 20;
  thread_local rapidjson::StringBuffer buffer;
  buffer.Clear();
  if (options.pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    WriteValue(value, writer);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    WriteValue(value, writer);
  }
  out.append(buffer.GetString(), buffer.GetSize());
  if (buffer.GetSize() > kKeptCapacity) {
    buffer.Clear();
    buffer.ShrinkToFit();
  }
}

std::string Write(const Value& value, const WriteOptions& options) {
  std::string out;
  WriteTo(value, options, out);
  return out;
}

}  // namespace zorgbrug::fhir::json
