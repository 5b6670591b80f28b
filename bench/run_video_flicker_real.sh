#!/usr/bin/env bash
# Flicker and cost of `--consistency flow` on real camera footage: the clips of
# scripts/get-demo-video (people walking, a tree in the wind, a hand-held close-up, a phone
# clip, a hand with a pen), each cut to its first FRAMES frames at <= 640 pixels wide
# (bench/prepare_real_clips.py, lossless), stylized per frame and with --consistency flow, the
# order alternating between clips so a drift in machine load hits both modes alike. Flicker is
# `comicgan eval video IN OUT` (Farneback flow of the input: independent of the DIS flow the
# filter uses). Ends with each model's totals: mean warping error and summed wall time.
#   bench/run_video_flicker_real.sh [MODEL...]   (default: the shipped comic and anime models)
# Environment: COMICGAN (the binary, default build/comicgan), CLIPS (scripts/get-demo-video's
# folder, default data/demo-video), OUT (scratch folder), FRAMES (per clip, default 60),
# STRENGTH (--consistency-strength, default the built-in one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${COMICGAN:-$root/build/comicgan}
clips=${CLIPS:-$root/data/demo-video}
out=${OUT:-/tmp/comicgan-flicker-real}
frames=${FRAMES:-60}
[ $# -eq 0 ] && set -- comic anime
[[ -f $clips/MANIFEST.tsv ]] || { echo "run_video_flicker_real: run scripts/get-demo-video first" >&2; exit 1; }
mkdir -p "$out"
mapfile -t sources < <(tail -n +2 "$clips/MANIFEST.tsv" | cut -f1 | sed "s|^|$clips/|")
echo "# clips (name, size, fps, frames):"
/usr/bin/python3 "$root/bench/prepare_real_clips.py" "$out/in" "${sources[@]}" --frames "$frames" \
  2> >(grep -v WARN >&2) | sed 's/^/#   /'

# shellcheck source=flicker_common.sh
source "$root/bench/flicker_common.sh"
echo "# $(date -u '+%F %T UTC'), load: $(uptime | sed 's/.*load average: //')"
echo "| model | clip | consistency | wall s | warping error (0..1) | input's own |"
echo "|---|---|---|---|---|---|"
totals=()
for model in "$@"; do
  name=$(basename "$model" .cgm)
  declare -A wall=([off]=0 [flow]=0) error=([off]=0 [flow]=0)
  order=(off flow)
  n=0
  for clip in "$out"/in/*.mkv; do
    clip_name=$(basename "$clip" .mkv)
    for mode in "${order[@]}"; do
      result=$out/$clip_name-$name-$mode.mkv
      seconds=$(stylize_seconds "$clip" "$result" "$model" "$mode")
      measured=$(flicker "$clip" "$result")
      printf '| %s | %s | %s | %.1f | %s |\n' "$name" "$clip_name" "$mode" "$seconds" "$measured"
      wall[$mode]=$(echo "${wall[$mode]} + $seconds" | bc)
      error[$mode]=$(echo "${error[$mode]} + ${measured%% *}" | bc)
    done
    order=("${order[1]}" "${order[0]}")
    n=$((n + 1))
  done
  totals+=("$(printf '| %s | %.4f | %.4f | %.0f%% | %.1f | %.1f | %+.1f%% |' "$name" \
    "$(echo "${error[off]} / $n" | bc -l)" "$(echo "${error[flow]} / $n" | bc -l)" \
    "$(echo "100 * (1 - ${error[flow]} / ${error[off]})" | bc -l)" "${wall[off]}" "${wall[flow]}" \
    "$(echo "100 * (${wall[flow]} / ${wall[off]} - 1)" | bc -l)")")
  unset wall error
done
echo
echo "| model | mean warping error, off | with flow | lower by | wall s, off | with flow | extra time |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${totals[@]}"
