#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for tests (docs/scale-out.md): munged, slurmctld
# and slurmd from Debian's slurm-wlm and munge, every file (config, key, sockets, state, logs)
# in one folder, loopback only, ports away from Slurm's defaults, no cgroups, no accounting.
#
#   Tools/cluster/local-slurm.sh start FOLDER   # prints: export SLURM_CONF=FOLDER/slurm.conf
#   Tools/cluster/local-slurm.sh stop FOLDER    # stops the daemons it started, by their pid files
#
# Runs as root (slurmd must, to start jobs as their users); the jobs run as the submitting user.
set -euo pipefail
command=${1:?start or stop}
folder=$(realpath -m "${2:?a folder for the cluster}")
port=${INR_SLURM_PORT:-16817}

stop() {
    # Jobs first (slurmd's exit would leave their slurmstepd and processes running), then
    # slurmd, the controller and munge.
    if [[ -f "$folder/slurmctld.pid" && -f "$folder/slurm.conf" ]] && kill -0 "$(cat "$folder/slurmctld.pid")" 2>/dev/null; then
        SLURM_CONF="$folder/slurm.conf" scancel --partition=local 2>/dev/null || true
        for _ in $(seq 100); do
            [[ -z $(SLURM_CONF="$folder/slurm.conf" squeue -h 2>/dev/null) ]] && break
            sleep 0.1
        done
    fi
    for daemon in slurmd slurmctld munged; do
        [[ -f "$folder/$daemon.pid" ]] || continue
        pid=$(cat "$folder/$daemon.pid")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$folder/$daemon.pid"
    done
}

if [[ $command == stop ]]; then stop; exit 0; fi
[[ $command == start ]] || { echo "usage: $0 start|stop FOLDER" >&2; exit 2; }
for tool in munged slurmctld slurmd sbatch; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install slurm-wlm munge" >&2; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { echo "slurmd runs as root: run this as root" >&2; exit 1; }
# Whatever fails from here stops what was started.
trap 'stop' ERR
mkdir -p "$folder"/{state,spool,munge}
chmod 700 "$folder/munge"
host=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)

# munge: its own key and socket, so a system munged (if any) is left alone.
[[ -f "$folder/munge/munge.key" ]] || { head -c 1024 /dev/urandom > "$folder/munge/munge.key"; chmod 400 "$folder/munge/munge.key"; }
munged --force --key-file="$folder/munge/munge.key" --socket="$folder/munge/munge.socket" \
    --pid-file="$folder/munged.pid" --log-file="$folder/munged.log" --seed-file="$folder/munge/munge.seed"

cat > "$folder/slurm.conf" <<CONF
ClusterName=inrlocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$folder/munge/munge.socket
StateSaveLocation=$folder/state
SlurmdSpoolDir=$folder/spool
SlurmctldPidFile=$folder/slurmctld.pid
SlurmdPidFile=$folder/slurmd.pid
SlurmctldLogFile=$folder/slurmctld.log
SlurmdLogFile=$folder/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=100000,bf_interval=1
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$folder/slurm.conf"
slurmctld -i
slurmd
# Up when the node takes jobs.
for _ in $(seq 100); do
    state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
    [[ $state == idle* || $state == mix* ]] && { echo "export SLURM_CONF=$folder/slurm.conf"; exit 0; }
    sleep 0.2
done
echo "the node did not come up (state '${state:-none}'); logs in $folder" >&2
tail -5 "$folder/slurmctld.log" "$folder/slurmd.log" >&2 || true
stop
exit 1
