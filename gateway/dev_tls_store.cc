#include "gateway/dev_tls_store.h"

#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/files.h"

namespace zorgbrug::gateway {
namespace {

constexpr size_t kMaxPemBytes = 1 << 20;

absl::StatusOr<DevTls> Create(const DevTlsPaths& paths) {
  if (absl::Status s = EnsurePrivateDirectory(paths.dir); !s.ok()) return s;
  absl::StatusOr<TlsMaterial> material = GenerateDevTlsMaterial();
  if (!material.ok()) return material.status();
  // The key first and the CA last: a crash in between leaves an incomplete set, which Load refuses.
  for (auto [path, contents, mode] :
       {std::tuple{&paths.server_key, &material->server_key_pem, mode_t{0600}},
        std::tuple{&paths.server_cert, &material->server_cert_pem, mode_t{0644}},
        std::tuple{&paths.ca_cert, &material->ca_cert_pem, mode_t{0644}}}) {
    if (absl::Status s = WriteFileAtomically(*path, *contents, mode); !s.ok()) return s;
  }
  return DevTls{*std::move(material), true};
}

absl::StatusOr<DevTls> Load(const DevTlsPaths& paths) {
  DevTls tls;
  for (auto [path, out] : {std::pair{&paths.ca_cert, &tls.material.ca_cert_pem},
                           std::pair{&paths.server_cert, &tls.material.server_cert_pem},
                           std::pair{&paths.server_key, &tls.material.server_key_pem}}) {
    absl::StatusOr<std::string> contents = ReadFileToString(*path, kMaxPemBytes);
    if (!contents.ok()) return contents.status();
    *out = *std::move(contents);
  }
  absl::Status status =
      VerifyServerCertificate(tls.material.server_cert_pem, tls.material.ca_cert_pem, "localhost");
  if (status.ok()) {
    status = CheckKeyMatchesCertificate(tls.material.server_cert_pem, tls.material.server_key_pem);
  }
  if (!status.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("development TLS material in ", paths.dir.string(), " is unusable (",
                     status.message(), "); delete that folder to generate new material"));
  }
  return tls;
}

}  // namespace

DevTlsPaths DevTlsPathsIn(const std::filesystem::path& state_dir) {
  const std::filesystem::path dir = state_dir / "tls";
  return DevTlsPaths{dir, dir / "ca.crt", dir / "server.crt", dir / "server.key"};
}

absl::StatusOr<DevTls> LoadOrCreateDevTls(const std::filesystem::path& state_dir) {
  const DevTlsPaths paths = DevTlsPathsIn(state_dir);
  std::error_code error;
  int present = 0;
  for (const auto* path : {&paths.ca_cert, &paths.server_cert, &paths.server_key}) {
    if (std::filesystem::exists(*path, error)) ++present;
  }
  if (present == 0) return Create(paths);
  if (present < 3) {
    return absl::FailedPreconditionError(
        absl::StrCat("incomplete development TLS material in ", paths.dir.string(),
                     "; delete that folder to generate new material"));
  }
  return Load(paths);
}

}  // namespace zorgbrug::gateway
