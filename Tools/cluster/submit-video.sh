#!/usr/bin/env bash
# Submits a segment-parallel encode: an array of N parts and a join that runs when all have
# succeeded.
#
#   Tools/cluster/submit-video.sh N CONFIG CLIP OUTPUT.inr [inr compress options...]
#
# The parts go to OUTPUT.parts/, the logs to OUTPUT.parts/logs. Prints the two job ids (array,
# join). Extra sbatch options go in SBATCH_OPTIONS.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
parts=${1:?N}
config=${2:?the video config}
clip=${3:?the clip}
output=${4:?the joined file}
shift 4
folder="$output.parts"
mkdir -p "$folder/logs"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array=0-$((parts - 1)) --output="$folder/logs/part-%a.log" \
    "$here/video-segment.sbatch" "$parts" "$config" "$clip" "$folder" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
join=$(sbatch --parsable ${SBATCH_OPTIONS:-} --dependency=afterok:"$array" --kill-on-invalid-dep=yes --output="$folder/logs/concat.log" \
    "$here/video-concat.sbatch" "$parts" "$folder" "$output")
echo "$array ${join%%;*}"
