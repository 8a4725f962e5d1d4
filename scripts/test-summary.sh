#!/usr/bin/env bash
# Sums the TRX files of one `dotnet test` run into a single line: "N passed, N failed, N skipped",
# listing the failed tests above it. Exit status is that of the test run (the Makefile keeps it).
set -u
dir=${1:-artifacts/test-results}
shopt -s nullglob
files=("$dir"/*.trx)
if [ ${#files[@]} -eq 0 ]; then
  echo "no test results found in $dir (did the build fail?)"
  echo "0 passed, 0 failed, 0 skipped"
  exit 1
fi
total=0; passed=0; failed=0
for f in "${files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f")
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$((total + $(get total))); passed=$((passed + $(get passed))); failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$f" | sed -n 's/.*testName="\([^"]*\)".*/  FAILED: \1/p'
done
skipped=$((total - passed - failed))
echo "$passed passed, $failed failed, $skipped skipped"
