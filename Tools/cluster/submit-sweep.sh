#!/usr/bin/env bash
# Submits a sharded sweep: an array of N shards and a merge that runs when all have succeeded.
#
#   Tools/cluster/submit-sweep.sh N CONFIG IMAGES OUTPUT [inr eval sweep options...]
#
# Prints the two job ids (array, merge). Extra sbatch options go in SBATCH_OPTIONS (e.g.
# "--partition=cpu --time=04:00:00"); the logs go to OUTPUT/logs.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
shards=${1:?N}
output=${4:?the output folder}
mkdir -p "$output/logs"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array=0-$((shards - 1)) --output="$output/logs/shard-%a.log" \
    "$here/sweep-shard.sbatch" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --dependency=afterok:"$array" --kill-on-invalid-dep=yes --output="$output/logs/merge.log" \
    "$here/sweep-merge.sbatch" "$shards" "$output")
echo "$array ${merge%%;*}"
