#pragma once

// Small POSIX file helpers for the gateway's command line and state directory. Errors are returned
// as absl::Status naming the path and errno text; nothing throws.

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zorgbrug::gateway {

// Reads the whole of `path`. Returns ResourceExhausted when it is larger than `max_bytes` (without
// reading it all) and NotFound / PermissionDenied / Internal for I/O failures.
absl::StatusOr<std::string> ReadFileToString(const std::filesystem::path& path, size_t max_bytes);

// Replaces `path` with `contents` atomically (write to a temporary file in the same directory with
// permissions `mode`, fsync, rename). Permissions do not depend on the process umask.
absl::Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents,
                                 mode_t mode);

// Creates `dir` and missing parents; a directory created here gets mode 0700.
absl::Status EnsurePrivateDirectory(const std::filesystem::path& dir);

}  // namespace zorgbrug::gateway
