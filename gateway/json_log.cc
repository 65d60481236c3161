#include "gateway/json_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <iterator>

namespace zorgbrug::gateway {
namespace {

// The length of the valid UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF) starting at text[i] with a non-ASCII lead byte, or 0 when there is none.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = i + 2; k < i + length; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return length;
}

// The two-character escape of `c` (RFC 8259 section 7), or nullptr.
const char* ShortEscape(unsigned char c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return nullptr;
  }
}

void Append(spdlog::memory_buf_t& out, std::string_view text) {
  out.append(text.data(), text.data() + text.size());
}

// "2026-11-24T01:02:03.456Z"
void AppendUtcTime(spdlog::log_clock::time_point time, spdlog::memory_buf_t& out) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 static_cast<int>(millis.count()));
}

}  // namespace

void AppendJsonEscaped(std::string_view text, spdlog::memory_buf_t& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      Append(out, length > 0 ? text.substr(i, length) : "\\ufffd");
      i += length > 0 ? length : 1;
      continue;
    }
    if (const char* escape = ShortEscape(c)) {
      Append(out, escape);
    } else if (c < 0x20) {
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escaped, escaped + sizeof escaped);
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  Append(dest, "{\"time\":\"");
  AppendUtcTime(msg.time, dest);
  Append(dest, "\",\"level\":\"");
  const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
  AppendJsonEscaped({level.data(), level.size()}, dest);
  Append(dest, "\",\"logger\":\"");
  AppendJsonEscaped({msg.logger_name.data(), msg.logger_name.size()}, dest);
  Append(dest, "\",\"msg\":\"");
  AppendJsonEscaped({msg.payload.data(), msg.payload.size()}, dest);
  Append(dest, "\"}\n");
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

std::shared_ptr<spdlog::logger> NewJsonLogger(spdlog::sink_ptr sink) {
  if (sink == nullptr) sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(kJsonLoggerName, std::move(sink));
  logger->set_formatter(std::make_unique<JsonLogFormatter>());
  return logger;
}

void UseJsonLogs(spdlog::sink_ptr sink) {
  std::shared_ptr<spdlog::logger> logger = NewJsonLogger(std::move(sink));
  if (std::shared_ptr<spdlog::logger> previous = spdlog::default_logger()) {
    logger->set_level(previous->level());
    logger->flush_on(previous->flush_level());
  }
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace zorgbrug::gateway
