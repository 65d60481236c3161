#pragma once

// Structured logs: every log line is one JSON object (JSON Lines), for a collector that parses
// stderr, e.g.
//   {"time":"2026-11-24T01:02:03.456Z","level":"info","logger":"zorgbrug","msg":"..."}
// `time` is UTC with milliseconds; `level` is spdlog's name (trace, debug, info, warning, error,
// critical); `msg` is the formatted message, escaped per RFC 8259 (quotes, backslash, control
// characters as \u00XX or their short forms); valid UTF-8 passes through, bytes that are not valid
// UTF-8 become U+FFFD so every line stays valid JSON.
//
// Logs must not contain patient data (names, SSIN, birth dates, message content): that is the duty
// of every caller of spdlog. Log ids, counts, codes, sizes and durations instead.

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/common.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>

namespace zorgbrug::gateway {

// The name of the logger UseJsonLogs installs.
inline constexpr char kJsonLoggerName[] = "zorgbrug";

// A spdlog formatter writing one JSON object per record, ending in '\n'.
class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Appends `text` to `out` as the contents of a JSON string (without the surrounding quotes).
void AppendJsonEscaped(std::string_view text, spdlog::memory_buf_t& out);

// A logger named kJsonLoggerName writing JSON lines to `sink` (stderr when null), not registered
// with spdlog.
std::shared_ptr<spdlog::logger> NewJsonLogger(spdlog::sink_ptr sink = nullptr);

// Makes NewJsonLogger(sink) spdlog's default logger, keeping the previous default logger's level
// and flush level. Call once at start-up, before other threads log.
void UseJsonLogs(spdlog::sink_ptr sink = nullptr);

}  // namespace zorgbrug::gateway
