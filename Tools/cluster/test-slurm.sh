#!/usr/bin/env bash
# The scale-out path on a real Slurm cluster (docs/scale-out.md), end to end on this machine:
# starts a single-node cluster (Tools/cluster/local-slurm.sh), then through sbatch
#   1. a 4-shard sweep (4 images × 2 widths) and its dependent merge, compared with the
#      one-process sweep: the same rows (timings aside) and the same .inr files;
#   2. a 4-part encode of a clip whose part 0 is cancelled mid-fit (scancel): no part file or
#      temporary is left, the dependent join is cancelled with it; part 0 submitted again alone
#      and a new join give the file `inr compress --segments 4` writes in one process, byte for
#      byte;
# and stops every daemon it started. Needs root, slurm-wlm and munge (Tools/setup.sh installs
# them). Prints each stage's time; exits non-zero, with the cluster's logs, on any difference.
#
#   [INR=path/to/inr] Tools/cluster/test-slurm.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export INR=${INR:-$root/.build/release/inr}
[[ -x $INR ]] || { echo "$INR is missing: swift build -c release" >&2; exit 1; }
work=$(mktemp -d /tmp/inr-slurm.XXXXXX)
cluster=$work/cluster
start=$(date +%s%N)
say() { local tenths=$((($(date +%s%N) - start) / 100000000)); echo "[$((tenths / 10)).$((tenths % 10)) s] $*"; }
finish() {
    status=$?
    if ((status != 0)); then
        echo "FAILED ($status); the cluster's logs:" >&2
        tail -n 20 "$cluster"/*.log "$work"/*/logs/*.log 2>/dev/null >&2 || true
    fi
    "$root/Tools/cluster/local-slurm.sh" stop "$cluster"
    if [[ -n ${INR_KEEP_SLURM_TEST:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
    exit "$status"
}
trap finish EXIT
environment=$("$root/Tools/cluster/local-slurm.sh" start "$cluster") || exit 1
eval "$environment"
[[ $SLURM_CONF == "$cluster/slurm.conf" ]]
say "cluster up: $(sinfo -h -o '%P %D node(s), %c CPUs, %t')"
cd "$work"

# Waits until every job named is done (gone from the queue), at most $2 seconds.
wait_for() {
    local jobs=$1 limit=$2 waited=0
    while [[ -n $(squeue -h -j "$jobs" 2>/dev/null) ]]; do
        sleep 0.2
        waited=$((waited + 1))
        ((waited < limit * 5)) || { echo "jobs $jobs still queued after $limit s" >&2; squeue >&2; return 1; }
    done
}
# The states of a job (every task of an array), one per line.
states() { scontrol show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
expect_state() {
    local found
    found=$(states "$1" | sort -u | tr '\n' ' ')
    [[ $found == "$2 " ]] || { echo "job $1: states $found, expected $2" >&2; scontrol show job "$1" >&2; return 1; }
}
# A results.csv without its timing columns (encode and decode seconds).
rows() { cut -d, -f1-9 "$1"; }

# 1. A sharded sweep and its merge against one process.
mkdir images
cp "$root"/Media/png/{rgb16,gray8,palette,rgba8}.png images/
sweep=(--set network.width=8,12 --set training.steps=40 --set quantization.qatSteps=4)
read -r array merge < <("$root/Tools/cluster/submit-sweep.sh" 4 "$root/Configs/image/mlp.yaml" images sweep "${sweep[@]}")
[[ -n $array && -n $merge ]] || { echo "submit-sweep.sh gave no job ids" >&2; exit 1; }
say "submitted the sweep: array $array (4 shards), merge $merge (afterok)"
"$INR" eval sweep "$root/Configs/image/mlp.yaml" --images images --output one "${sweep[@]}" --threads 1 >/dev/null
say "one-process sweep done"
wait_for "$array,$merge" 300
expect_state "$array" COMPLETED
expect_state "$merge" COMPLETED
diff <(rows one/results.csv) <(rows sweep/results.csv)
diff -r one/files sweep/files
[[ $(wc -l < sweep/results.csv) -eq 9 ]]
say "sweep: the merged results.csv (8 rows) and .inr files are the one-process run's"

# 2. A segment-parallel encode, one part cancelled mid-fit, then submitted again.
clip=$root/Media/video/park_joy_64x48.y4m
video=(--set video.groupSize=2 --set training.steps=20000 --set video.laterGroupSteps=300)
read -r array join < <(SBATCH_OPTIONS=--cpus-per-task=1 "$root/Tools/cluster/submit-video.sh" 4 "$root/Configs/golden/video-nirvana.yaml" "$clip" clip.inr "${video[@]}")
[[ -n $array && -n $join ]] || { echo "submit-video.sh gave no job ids" >&2; exit 1; }
say "submitted the encode: array $array (4 parts), join $join (afterok)"
for _ in $(seq 600); do
    grep -q "closed segment" clip.inr.parts/logs/part-0.log 2>/dev/null && break
    sleep 0.1
done
grep -q "closed segment" clip.inr.parts/logs/part-0.log
[[ $(states "${array}_0") == RUNNING ]]
scancel "${array}_0"
say "cancelled part 0 while it fits"
wait_for "$array,$join" 300
[[ $(states "${array}_0") == CANCELLED ]]
[[ $(states "$join") == CANCELLED ]] || { echo "the join outlived a cancelled part: $(states "$join")" >&2; exit 1; }
[[ ! -e clip.inr ]]
leftover=$(find clip.inr.parts -maxdepth 1 -type f ! -name 'part-[123]-of-4.inr')
[[ -z $leftover ]] || { echo "left behind: $leftover" >&2; exit 1; }
say "part 0 and the join cancelled: parts 1–3 written, no part 0, no temporary, no joined file"
again=$(sbatch --parsable --cpus-per-task=1 --array=0 --output=clip.inr.parts/logs/part-0-again.log \
    "$root/Tools/cluster/video-segment.sbatch" 4 "$root/Configs/golden/video-nirvana.yaml" "$clip" clip.inr.parts "${video[@]}")
join=$(sbatch --parsable --dependency=afterok:"$again" --output=clip.inr.parts/logs/concat.log \
    "$root/Tools/cluster/video-concat.sbatch" 4 clip.inr.parts clip.inr)
"$INR" compress "$root/Configs/golden/video-nirvana.yaml" --input "$clip" --segments 4 --output one.inr "${video[@]}" --threads 1 >/dev/null
say "one-process encode done"
wait_for "$again,$join" 300
expect_state "$again" COMPLETED
expect_state "$join" COMPLETED
cmp clip.inr one.inr
say "video: part 0 submitted again; the joined file ($(stat -c %s clip.inr) bytes) is the one-process file"
