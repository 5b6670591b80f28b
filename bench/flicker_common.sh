# Shared by bench/run_video_flicker.sh and bench/run_video_flicker_real.sh (sourced; needs $bin,
# the comicgan binary).

# flicker IN OUT: "output's warping error | the input's own" from `comicgan eval video`.
flicker() {
  "$bin" eval video "$1" "$2" | head -1 | sed -E 's/.*steadier\): ([0-9.]+).*itself: ([0-9.]+).*/\1 | \2/'
}

# stylize_seconds IN OUT MODEL MODE: stylizes a clip with --consistency MODE (and
# --consistency-strength $STRENGTH when set); prints the wall time.
stylize_seconds() {
  local start
  start=$(date +%s.%N)
  "$bin" stylize "$1" -o "$2" --model "$3" --consistency "$4" \
    ${STRENGTH:+--consistency-strength "$STRENGTH"} 2>/dev/null
  echo "$(date +%s.%N) - $start" | bc
}
