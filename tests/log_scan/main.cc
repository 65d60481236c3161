// log_scan: fails when an SSIN of the test fixtures appears in log output (issue #9). See cli.h.

#include <iostream>
#include <string>
#include <vector>

#include "tests/log_scan/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return zorgbrug::log_scan::RunLogScan(args, std::cout);
}
