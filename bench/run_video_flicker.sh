#!/usr/bin/env bash
# Flicker and cost of `--consistency flow` on real imagery with camera motion: clips filmed over
# the demo photos (`comicgan bench --write-motion-clip`: slow pan + zoom, hand-held shake, a cut
# between photos), stylized per frame and with --consistency flow, the order alternating between
# clips so a drift in machine load hits both modes alike; flicker is `comicgan eval video`.
#   bench/run_video_flicker.sh [MODEL...]   (default: comic and the full AnimeGANv2, random weights)
# Environment: COMICGAN (the binary, default build/comicgan), DEMO (data/demo of
# scripts/get-demo-data), OUT (scratch folder), FRAMES (per clip, default 60).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${COMICGAN:-$root/build/comicgan}
demo=${DEMO:-$root/data/demo}
out=${OUT:-/tmp/comicgan-flicker}
frames=${FRAMES:-60}
mkdir -p "$out"
land=$demo/val/endless-sky-data

if [ $# -eq 0 ]; then
  "$bin" bench --write-random-model "$out/full.cgm" --architecture animegan2 >/dev/null
  set -- comic "$out/full.cgm"
fi
# Two clips of three shots each (two cuts): landscape, and town/people.
landscape=("$land/valley1.jpg" "$land/beach6.jpg" "$land/mountain24-spfld.jpg")
town=("$root/examples/photo.jpg" "$land/city2.jpg" "$demo/val/renpy-demo/bg-washington.jpg")
film() {  # film OUT PHOTO...: the same camera path (seed) over any photos
  local clip=$1
  shift
  "$bin" bench --write-motion-clip "$clip" --video-frames "$frames" --photos "$@" >/dev/null
}
film "$out/landscape.mp4" "${landscape[@]}"
film "$out/town.mp4" "${town[@]}"
# shellcheck source=flicker_common.sh
source "$root/bench/flicker_common.sh"

echo "# $(date -u '+%F %T UTC'), load: $(uptime | sed 's/.*load average: //'), $frames frames per clip, 640x360, 30000/1001"
echo "| model | clip | consistency | wall s | warping error (0..1) | input's own |"
echo "|---|---|---|---|---|---|"
for model in "$@"; do
  name=$(basename "$model" .cgm)
  order=(off flow)
  for clip in landscape town; do
    for mode in "${order[@]}"; do
      result=$out/$clip-$name-$mode.mp4
      wall=$(stylize_seconds "$out/$clip.mp4" "$result" "$model" "$mode")
      printf '| %s | %s | %s | %.1f | %s |\n' "$name" "$clip" "$mode" "$wall" "$(flicker "$out/$clip.mp4" "$result")"
    done
    order=("${order[1]}" "${order[0]}")
  done
done
# The floor of the measure: a perfectly steady stylization of the same footage, made by
# stylizing each photo once and filming the stylized photos along the same camera path. What
# it still measures is the flow's own error on this imagery, not flicker.
for model in "$@"; do
  name=$(basename "$model" .cgm)
  for clip in landscape town; do
    declare -n photos=$clip
    styled=()
    for photo in "${photos[@]}"; do
      styled+=("$out/$name-$(basename "$photo" .jpg).png")
      "$bin" stylize "$photo" -o "${styled[-1]}" --model "$model" 2>/dev/null
    done
    film "$out/$clip-$name-steady.mp4" "${styled[@]}"
    printf '| %s | %s | steady by construction | | %s |\n' "$name" "$clip" "$(flicker "$out/$clip.mp4" "$out/$clip-$name-steady.mp4")"
    unset -n photos
  done
done
