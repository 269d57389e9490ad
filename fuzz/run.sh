#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the test fixtures, then runs every target (or those
# named) for SECONDS seconds each (default 60), printing libFuzzer's last status line.
# Needs nightly and cargo-fuzz: rustup toolchain install nightly; cargo install cargo-fuzz.
#   fuzz/run.sh            # all targets, 60 s each
#   SECONDS_EACH=600 fuzz/run.sh chat_record
set -euo pipefail
cd "$(dirname "$0")"
seconds="${SECONDS_EACH:-60}"
fixtures=../tests/fixtures
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(chat_record jsonl_chunks json_array inspect_json inspect_eval label_records sanitize_wrap)

seed() { mkdir -p "corpus/$1"; shift; for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/${target}/" || true; done; }
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  case "$target" in
    chat_record) # one line per seed
      i=0; while IFS= read -r line; do i=$((i+1)); printf '%s' "$line" > "corpus/$target/line$i"; done \
        < <(cat "$fixtures"/*.jsonl; head -n 20 ../assets/demo.jsonl) ;;
    jsonl_chunks) seed "$target" "$fixtures"/*.jsonl ;;
    json_array) seed "$target" "$fixtures"/array.json "$fixtures"/single.json "$fixtures"/truncated.json "$fixtures"/not_rollouts.json ;;
    inspect_json) seed "$target" "$fixtures"/inspect/built_judged.json "$fixtures"/inspect/log_read_sample.json ;;
    inspect_eval) seed "$target" "$fixtures"/inspect/*.eval ;;
    label_records)
      printf '%s\n' '{"rollout":"r","turn":1,"score":7,"tags":["hopeless"],"note":"n","annotator":"ana","time":"2026-11-23T01:02:03Z","source":"s.jsonl","text_hash":"fnv1a64:7d13f434d4e03d5d"}' \
        '{"rollout":"r","turn":null,"score":null,"annotator":"ana","time":"t"}' '{"rollout": oops}' > "corpus/$target/labels" ;;
    sanitize_wrap)
      printf '\x28a\x1b[2Jb\xc2\x9b\xe2\x80\xae\tc\r\nd' > "corpus/$target/escapes"
      printf '\x05\xef\xbd\xb6\xef\xbe\x9e\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9 e\xcc\x81' > "corpus/$target/wide" ;;
  esac
done

for target in "${targets[@]}"; do
  echo "== $target (${seconds}s)"
  log="$(mktemp)"
  if cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 \
      -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status="FAILED (see artifacts/$target)"
  fi
  grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|panicked" "$log" | head -6 || true
  echo "   $status"
  rm -f "$log"
done
