#!/usr/bin/env bash
# The bounds checks left in the generated C (the compiler drops the ones it
# proves, codegen/SUBSET.md "Index proofs"): per file, checked element reads
# and writes of byte views and fixed arrays, clamped subarrays, saturating
# index sums; and the proven, unclamped subarrays (rt_slice) beside them.
#   bash scripts/count-checks.sh [DIR]   (default components/mgos_mqtt/gen)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="${1:-components/mgos_mqtt/gen}"
count() { { grep -o "$1" "$2" || true; } | wc -l | tr -d ' '; }
printf '%-16s %6s %6s %6s %6s %6s %6s | %6s\n' file "b[i]" "b[i]=" sub "a[i]" "a[i]=" "i+k" slice
tot=(0 0 0 0 0 0 0)
for f in "$dir"/*.c; do
  n=("$(count 'rt_bytes_get(' "$f")" "$(count 'rt_bytes_set(' "$f")" "$(count 'rt_subarray(' "$f")"
     "$(count 'rt_get_[a-z0-9]*(' "$f")" "$(count 'rt_set_[a-z0-9]*(' "$f")" "$(count 'rt_idx[a-z0-9_]*(' "$f")"
     "$(count 'rt_slice[a-z_]*(' "$f")")
  for i in 0 1 2 3 4 5 6; do tot[$i]=$((tot[i] + n[i])); done
  [ "$((n[0] + n[1] + n[2] + n[3] + n[4] + n[5] + n[6]))" -gt 0 ] || continue
  printf '%-16s %6s %6s %6s %6s %6s %6s | %6s\n' "$(basename "$f")" "${n[@]}"
done
printf '%-16s %6s %6s %6s %6s %6s %6s | %6s\n' total "${tot[@]}"
echo "checks: $((tot[0] + tot[1] + tot[2] + tot[3] + tot[4] + tot[5]))"
