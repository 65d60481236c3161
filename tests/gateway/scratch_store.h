#pragma once

// A fresh message store for a test server: a new directory under the test's temporary directory,
// full durability, a fixed pseudonym key.

#include <stdlib.h>

#include <string>

#include <gtest/gtest.h>

#include "gateway/server.h"

namespace zorgbrug::gateway {

// Points `options.messaging` at a new store; returns its directory.
inline std::string UseScratchStore(ServerOptions& options) {
  std::string dir = ::testing::TempDir() + "zorgbrug-store-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << dir;
  options.messaging.store_path = dir + "/zorgbrug.db";
  options.messaging.pseudonym_key = "test pseudonym key of 32 bytes!!";
  return dir;
}

}  // namespace zorgbrug::gateway
