#!/usr/bin/env bash
# Scale benchmark: generates the studies (deterministic generators, nothing large committed),
# then for each prints time to first frame, time to fully indexed, key-press latency and peak
# RSS (benches/scale.rs, through the app's own update + draw on a headless backend), the time
# of `compare`'s figures alone on integer and on continuous scores (benches/compare.rs), the
# time of `rollscope stats` and `rollscope compare` (reading included), and the read floor
# (`wc -l`, `cat`) of the same file in the same run.
#
#   bash benches/run.sh            # 10,000 and 100,000 rollouts (~360 MB and ~3.6 GB)
#   bash benches/run.sh --smoke    # 500 rollouts, for CI: checks the pipeline runs, not speed
#
# Also one rollout with a single huge message on one line (`huge-message-N.json`, 200 MB; 2 MB
# with --smoke), with JSON escapes in it as model output has: the time to show it and the
# peak RSS (the loader and decoder hold the message at most twice over: tests/hostile_memory.rs).
#
# Then a real Inspect `.eval` grown to 10,000 samples and the same samples as a JSON log, and
# 2,000,000 two-message rollouts (200 samples and 20,000 with --smoke): first frame, indexed,
# peak RSS, `ls` and `stats` against `cat`; and `rollscope grep --count` against
# `LC_ALL=C grep -c` on the JSONL studies, each ratio from the same run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--smoke" ]; then sizes=(500); huge_bytes=2000000; samples=200; chats=20000
else sizes=(10000 100000); huge_bytes=200000000; samples=10000; chats=2000000; fi
data=${BENCH_DATA:-bench-data}
mkdir -p "$data"
cargo build --release --quiet --example gen_study --example grow_eval --example gen_chats
cargo build --release --quiet
bin=target/release/rollscope

for n in "${sizes[@]}"; do
  file="$data/study-$n.jsonl"
  [ -s "$file" ] || target/release/examples/gen_study --rollouts "$n" -o "$file"
  cat "$file" > /dev/null   # warm page cache, as the targets assume
done

huge="$data/huge-message-$huge_bytes.json"
if [ ! -s "$huge" ]; then
  unit='The \"answer\" is 391.\nI will try again. '
  {
    printf '{"id": "huge", "messages": [{"role": "user", "content": "Write a lot."}, '
    printf '{"role": "assistant", "scores": {"frustration": 4}, "content": "'
    # `yes` ends on SIGPIPE when `head` has enough: not a failure here.
    (set +o pipefail; yes "$unit" | tr -d '\n' | head -c $(( huge_bytes / ${#unit} * ${#unit} )))
    printf '"}]}'
  } > "$huge"
fi

# Wall time of a command in seconds (bash's clock; no bc or GNU time needed).
seconds() { local s=$EPOCHREALTIME; "$@" > /dev/null; awk -v s="$s" -v e="$EPOCHREALTIME" 'BEGIN { print e - s }'; }
best_of_3() { for _ in 1 2 3; do seconds "$@"; done | sort -g | head -1 | awk '{ printf "%.3f", $1 }'; }
# Peak RSS in MiB of `rollscope ls FILE`, from GNU time when it is installed.
peak_rss() {
  if [ -x /usr/bin/time ]; then { /usr/bin/time -f '%M' "$bin" ls "$1" > /dev/null; } 2>&1 | tail -1 | awk '{ print int($1 / 1024) }'
  else echo "n/a"; fi
}

echo "== app path: first frame, indexed, key latency, peak RSS (benches/scale.rs)"
files=(); for n in "${sizes[@]}"; do files+=("$data/study-$n.jsonl"); done
cargo bench --quiet --bench scale -- "${files[@]}"
# A process of its own, so the peak RSS is the huge message's alone.
cargo bench --quiet --bench scale -- "$huge"

echo
echo "== compare's figures alone: 4 groups, B=2000, P=10000 (benches/compare.rs)"
cargo bench --quiet --bench compare -- "${files[@]}"

echo
printf '%-28s %8s %10s %12s %12s %8s %10s %10s %7s %9s %12s\n' "file" "ls (s)" "stats (s)" "compare (s)" "report (s)" "÷stats" "wc -l (s)" "cat (s)" "ls÷cat" "stats÷cat" "ls RSS (MiB)"
report_dir="$data/report-bench"
report_once() { rm -rf "$report_dir"; "$bin" report "$1" -o "$report_dir" --baseline condition=baseline --labels "$data/no-labels"; }
for n in "${sizes[@]}"; do
  file="$data/study-$n.jsonl"
  ls_t=$(best_of_3 "$bin" ls "$file" --json)
  stats=$(best_of_3 "$bin" stats "$file" --json)
  compare=$(best_of_3 "$bin" compare "$file" --json)
  # The whole report (figures, CSV, JSON, page, SHA-256 of the input), without --png.
  report=$(best_of_3 report_once "$file")
  ratio=$(awk -v r="$report" -v s="$stats" 'BEGIN { printf "%.2f", r / s }')
  wc=$(best_of_3 wc -l "$file")
  cat_t=$(best_of_3 cat "$file")
  ls_ratio=$(awk -v a="$ls_t" -v c="$cat_t" 'BEGIN { printf "%.1f", a / c }')
  stats_ratio=$(awk -v a="$stats" -v c="$cat_t" 'BEGIN { printf "%.1f", a / c }')
  printf '%-28s %8s %10s %12s %12s %8s %10s %10s %7s %9s %12s\n' "$(basename "$file")" "$ls_t" "$stats" "$compare" "$report" "$ratio" "$wc" "$cat_t" "$ls_ratio" "$stats_ratio" "$(peak_rss "$file")"
done
rm -rf "$report_dir"

# Inspect logs: a real .eval from tests/fixtures grown to $samples samples of 19 turns, and the
# same samples as a JSON log (examples/grow_eval: no Python needed).
eval_file="$data/grown-$samples.eval"; json_file="$data/grown-$samples.json"
[ -s "$eval_file" ] && [ -s "$json_file" ] || target/release/examples/grow_eval --samples "$samples" -o "$eval_file" --json "$json_file"
# Many small rollouts, as chat datasets of a million conversations are (examples/gen_chats).
chats_file="$data/chats-$chats.jsonl"
[ -s "$chats_file" ] || target/release/examples/gen_chats --rollouts "$chats" -o "$chats_file"
cat "$eval_file" "$json_file" "$chats_file" > /dev/null

echo
echo "== Inspect logs and many small rollouts: first frame, indexed, peak RSS (benches/scale.rs)"
for f in "$eval_file" "$json_file" "$chats_file"; do cargo bench --quiet --bench scale -- "$f" | tail -1; done
printf '%-28s %8s %10s %10s %7s %9s %12s\n' "file" "ls (s)" "stats (s)" "cat (s)" "ls÷cat" "stats÷cat" "ls RSS (MiB)"
for f in "$eval_file" "$json_file" "$chats_file"; do
  ls_t=$(best_of_3 "$bin" ls "$f" --json); stats=$(best_of_3 "$bin" stats "$f" --json); cat_t=$(best_of_3 cat "$f")
  printf '%-28s %8s %10s %10s %7s %9s %12s\n' "$(basename "$f")" "$ls_t" "$stats" "$cat_t" \
    "$(awk -v a="$ls_t" -v c="$cat_t" 'BEGIN { printf "%.1f", a / c }')" \
    "$(awk -v a="$stats" -v c="$cat_t" 'BEGIN { printf "%.1f", a / c }')" "$(peak_rss "$f")"
done

# Each count goes through a pipe: GNU grep stops at its first match when its output is
# /dev/null (`-q`), which `seconds` would make it; and grep's exit status 1 (nothing matched)
# is not a failure here.
counted() { "$@" | cat; }
# Search: `rollscope grep --count` against `LC_ALL=C grep -c` on the same file in the same run,
# for a word in every rollout ("again": every user turn says it) and one in few ("ball").
echo
echo "== grep --count: rollscope against grep -c (best of 3 each, same run)"
printf '%-28s %-8s %12s %10s %8s\n' "file" "word" "rollscope (s)" "grep (s)" "ratio"
for n in "${sizes[@]}"; do
  file="$data/study-$n.jsonl"
  for word in again ball; do
    ours=$(best_of_3 counted "$bin" grep "$word" --count "$file")
    theirs=$(best_of_3 counted env LC_ALL=C grep -c "$word" "$file")
    printf '%-28s %-8s %12s %10s %8s\n' "$(basename "$file")" "$word" "$ours" "$theirs" \
      "$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1f", a / b }')"
  done
done

# Parquet (arrow-rs): the per-turn table against `ls` of the same study (the export is the
# index plus the writing), the messages table's size against the JSONL's, and the rollouts
# table opened again: first frame, indexed, peak RSS.
echo
echo "== Parquet: export the largest study, open its rollouts table (best of 3 each, same run)"
big="$data/study-${sizes[-1]}.jsonl"; pq="$data/parquet"; mkdir -p "$pq"
export_t=$(best_of_3 "$bin" export "$big" --to parquet -o "$pq/turns.parquet")
ls_t=$(best_of_3 "$bin" ls "$big" --json)
rss="n/a"
if [ -x /usr/bin/time ]; then
  rss=$({ /usr/bin/time -f '%M' "$bin" export "$big" --to parquet -o "$pq/turns.parquet"; } 2>&1 | tail -1 | awk '{ print int($1 / 1024) }')
fi
messages_t=$(seconds "$bin" export "$big" --to parquet-messages -o "$pq/messages.parquet" | awk '{ printf "%.3f", $1 }')
"$bin" export "$big" --to parquet-rollouts -o "$pq/rollouts.parquet"
size() { stat -c %s "$1"; }
printf '%-28s %10s %8s %14s %14s %16s %12s\n' "file" "export (s)" "ls (s)" "export-ls (s)" "export RSS (MiB)" "messages (s)" "messages÷jsonl"
printf '%-28s %10s %8s %14s %14s %16s %12s\n' "$(basename "$big")" "$export_t" "$ls_t" \
  "$(awk -v a="$export_t" -v b="$ls_t" 'BEGIN { printf "%.2f", a - b }')" "$rss" "$messages_t" \
  "$(awk -v a="$(size "$pq/messages.parquet")" -v b="$(size "$big")" 'BEGIN { printf "%.1f%%", 100 * a / b }')"
cargo bench --quiet --bench scale -- "$pq/rollouts.parquet" | tail -1
rm -rf "$pq"
