#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each (default 300) from the committed corpus
# and the seeds, then minimises the corpus (docs/FUZZING.md). Needs the nightly toolchain
# and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-300}
targets=${TARGETS:-"yaml units expr scenario"}
[ -d seeds ] || python3 seed_corpus.py
for t in $targets; do
  mkdir -p corpus/$t
  cargo +nightly fuzz run -O $t corpus/$t seeds/$t -- \
    -max_total_time="$secs" -timeout="${TIMEOUT:-1}" -rss_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
    2>&1 | tee "logs/$t.log" | grep -E "^(#[0-9]+\s+DONE|stat::|==|SUMMARY|Done)" || true
done
