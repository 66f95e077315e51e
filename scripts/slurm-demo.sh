#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, running examples/slurm/retrain.sbatch as a 4-task
# array over 40 series, then checking that every key was retrained exactly once.
#
#   sudo SEER=/path/to/seer bash scripts/slurm-demo.sh
#
# Debian/Ubuntu, as root. Installs slurm-wlm, munge and sqlite3 with apt-get when they are
# missing (nothing is started by the install). Everything else lives in a temporary folder: its
# own munge key and socket, slurm.conf (passed by SLURM_CONF; /etc/slurm is not touched), state,
# spool, logs, data and the registry. The daemons it starts are stopped on exit and the folder
# is removed (KEEP=1 keeps it). SEER defaults to the repo's .build/release/seer, else
# .build/debug/seer. Exits non-zero when any check fails.
#
# Environment: SEER, KEEP=1, SERIES (40), POINTS (200), SLURM_PORTS (16817: slurmctld, +1: slurmd).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SBATCH_FILE=$REPO/examples/slurm/retrain.sbatch
SERIES=${SERIES:-40}
POINTS=${POINTS:-200}
SHARDS=4
CTLD_PORT=${SLURM_PORTS:-16817}
SLURMD_PORT=$((CTLD_PORT + 1))
if [[ -z ${SEER:-} ]]; then
    if [[ -x $REPO/.build/release/seer ]]; then SEER=$REPO/.build/release/seer; else SEER=$REPO/.build/debug/seer; fi
fi

say() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { say "FAILED: $*"; exit 1; }
# wait_for SECONDS WHAT COMMAND...: polls COMMAND once a second until it succeeds.
wait_for() {
    local limit=$1 what=$2; shift 2
    local start=$SECONDS
    until "$@" >/dev/null 2>&1; do
        (( SECONDS - start >= limit )) && return 1
        sleep 1
    done
    say "$what (after $((SECONDS - start)) s)"
}

[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and starts munged, slurmctld and slurmd)"
[[ -x $SEER ]] || die "no seer binary at $SEER; build it (swift build -c release) or set SEER"
[[ -r $SBATCH_FILE ]] || die "no $SBATCH_FILE"
SEER=$(cd "$(dirname "$SEER")" && pwd)/$(basename "$SEER")

# --- packages ---------------------------------------------------------------------------------
missing=()
command -v slurmctld >/dev/null || missing+=(slurmctld)
command -v slurmd >/dev/null || missing+=(slurmd)
command -v sbatch >/dev/null || missing+=(slurm-client)
command -v munged >/dev/null || missing+=(munge)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if ((${#missing[@]})); then
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get"
    say "installing ${missing[*]}"
    # No daemon may start from a package's postinst: a policy-rc.d that refuses, if none is there.
    policy_added=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_added=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/slurm-demo-apt.log 2>&1
    rc=$?
    ((policy_added)) && rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || { tail -20 /tmp/slurm-demo-apt.log; die "apt-get install failed (log: /tmp/slurm-demo-apt.log)"; }
    rm -f /tmp/slurm-demo-apt.log
fi

# --- a temporary folder and the daemons, stopped on exit --------------------------------------
DEMO=$(mktemp -d /tmp/seer-slurm-demo.XXXXXX)
mkdir -p "$DEMO"/{etc,state,spool,log,out,data}
pids=()
jobid=
cleanup() {
    local rc=$?
    [[ -n $jobid ]] && scancel "$jobid" >/dev/null 2>&1
    # A finished task's slurmstepd lingers a moment; its socket in the spool says it is there.
    for _ in $(seq 100); do [[ -z $(find "$DEMO/spool" -type s 2>/dev/null) ]] && break; sleep 0.1; done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    ((${#pids[@]})) && say "stopped munged, slurmctld and slurmd"
    if [[ ${KEEP:-0} == 1 ]]; then say "kept $DEMO"; else rm -rf "$DEMO"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
show_logs() { for f in "$DEMO"/log/*.log; do echo "--- $f (last 15 lines)"; tail -15 "$f"; done; }

HOST=$(hostname -s)
say "demo folder $DEMO, node $HOST (127.0.0.1), seer $SEER"

# munge: its own key and socket, so the machine's /etc/munge and /run/munge are left alone.
dd if=/dev/urandom of="$DEMO/etc/munge.key" bs=1024 count=1 status=none && chmod 400 "$DEMO/etc/munge.key"
MUNGE_SOCKET=$DEMO/munge.socket
munged --foreground --force --key-file="$DEMO/etc/munge.key" --socket="$MUNGE_SOCKET" \
    --pid-file="$DEMO/munged.pid" --seed-file="$DEMO/munge.seed" --log-file="$DEMO/log/munged.log" \
    >>"$DEMO/log/munged.log" 2>&1 &
pids+=($!)
wait_for 10 "munged is up" bash -c "munge -S '$MUNGE_SOCKET' -n | unmunge -S '$MUNGE_SOCKET'" \
    || { show_logs; die "munged did not start"; }

export SLURM_CONF=$DEMO/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
# One node, no cgroups, no accounting: enough to run job arrays on a laptop or a container.
ClusterName=seerdemo
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
StateSaveLocation=$DEMO/state
SlurmdSpoolDir=$DEMO/spool
SlurmctldPidFile=$DEMO/slurmctld.pid
SlurmdPidFile=$DEMO/slurmd.pid
SlurmctldLogFile=$DEMO/log/slurmctld.log
SlurmdLogFile=$DEMO/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=demo Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

say "$(sbatch --version), $(munged --version 2>&1 | awk '{print $1; exit}'), sqlite $(sqlite3 --version | cut -d' ' -f1)"
slurmctld -D -i >>"$DEMO/log/slurmctld.stderr" 2>&1 &
pids+=($!)
wait_for 30 "slurmctld answers" scontrol ping || { show_logs; die "slurmctld did not start"; }
slurmd -D -N "$HOST" >>"$DEMO/log/slurmd.stderr" 2>&1 &
pids+=($!)
node_idle() { [[ $(sinfo -h -n "$HOST" -o %T) == idle ]]; }
wait_for 60 "node $HOST is idle" node_idle || { sinfo -N -l; show_logs; die "the node did not come up"; }

# --- data and job file ------------------------------------------------------------------------
awk -v n="$SERIES" -v t="$POINTS" 'BEGIN {
    srand(17); print "unique_id,ds,y"
    for (s = 0; s < n; s++) {
        level = 50 + 3 * s; amp = 5 + s % 7
        for (i = 0; i < t; i++)
            printf "s%02d,%s,%.3f\n", s, strftime("%Y-%m-%d", 1704067200 + 86400 * i, 1),
                   level + 0.05 * i + amp * sin(2 * 3.14159265 * i / 7) + 2 * rand() - 1
    }
}' >"$DEMO/data/sales.csv"
cat >"$DEMO/job.yaml" <<EOF
job: slurm-demo
registry: registry
sources:
  - csv: "data/*.csv"
models: per_series
task: forecast
model: rlinear
horizon: 14
season: 7
max_steps: 200
seed: 0
accept:
  metric: mase
  tolerance: 0.02
lease_seconds: 600
keep: 5
EOF
cut -d, -f1 "$DEMO/data/sales.csv" | tail -n +2 | sort -u >"$DEMO/keys.expected"
say "data: $(wc -l <"$DEMO/keys.expected") series x $POINTS points (long CSV, $(($(wc -l <"$DEMO/data/sales.csv") - 1)) rows); job file $DEMO/job.yaml"

# --- submit the array and wait ----------------------------------------------------------------
BATCH=demo-$(date -u +%Y%m%dT%H%M%S)
start=$(date +%s.%N)
# The file's own #SBATCH --array=0-3%2 (4 shards, 2 at a time); one CPU per task so two fit.
jobid=$(cd "$DEMO" && SEER=$SEER JOB=$DEMO/job.yaml BATCH=$BATCH \
    sbatch --parsable --cpus-per-task=1 --output="$DEMO/out/seer-retrain-%A_%a.out" "$SBATCH_FILE") \
    || { show_logs; die "sbatch failed"; }
jobid=${jobid%%;*}
say "submitted array job $jobid (batch $BATCH): $(scontrol -o show job "$jobid" | grep -o 'ArrayTaskId=[^ ]*' | head -1)"
last=
deadline=$((SECONDS + 300))
while :; do
    states=$(squeue -h -r -j "$jobid" -o '%i %T' 2>/dev/null | sort)
    [[ -z $states ]] && break
    summary=$(awk '{n[$2]++} END {for (s in n) printf "%s %d  ", tolower(s), n[s]}' <<<"$states")
    [[ $summary != "$last" ]] && say "queue: $summary" && last=$summary
    ((SECONDS > deadline)) && { show_logs; die "the array did not finish in 300 s"; }
    sleep 0.5
done
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
say "array job $jobid finished in $wall s"
tasks=$(scontrol -o show job "$jobid" | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^(ArrayTaskId|JobState|ExitCode)=/) printf "%s ", $i; print ""}' | sort -t= -k2 -n)
echo "$tasks" | sed 's/^/    /'
jobid_done=$jobid; jobid=
for f in "$DEMO"/out/*.out; do echo "--- $(basename "$f")"; cat "$f"; done

# --- checks -----------------------------------------------------------------------------------
fails=0
check() { # check DESCRIPTION EXPECTED ACTUAL
    local shown=$3
    [[ $3 == *$'\n'* ]] && shown="$(wc -l <<<"$3") lines"
    if [[ $2 == "$3" ]]; then say "ok    $1: $shown"; else
        say "FAIL  $1: expected $(tr '\n' ' ' <<<"$2"), got $(tr '\n' ' ' <<<"$3")"; fails=$((fails + 1)); fi
}
DB=$DEMO/registry/registry.db
q() { sqlite3 -batch -noheader "$DB" "$@"; }
keys=$(wc -l <"$DEMO/keys.expected")
[[ -r $DB ]] || die "no registry at $DB"

check "array tasks COMPLETED with exit 0" "$SHARDS" "$(grep -c 'JobState=COMPLETED ExitCode=0:0' <<<"$tasks")"
echo "--- seer models list --registry registry (first 5 of $keys)"
"$SEER" models list --registry "$DEMO/registry" >"$DEMO/list.txt" 2>&1 || { cat "$DEMO/list.txt"; fails=$((fails + 1)); }
head -6 "$DEMO/list.txt"
check "keys listed by seer models list, each once" "$(cat "$DEMO/keys.expected")" "$(awk 'NR > 1 {print $1}' "$DEMO/list.txt" | sort)"
check "keys whose version count is 1 (models list)" "$keys" "$(awk 'NR > 1 && $4 == 1' "$DEMO/list.txt" | wc -l)"
check "models rows / distinct keys / ready" "$keys/$keys/$keys" \
    "$(q "SELECT COUNT(*) || '/' || COUNT(DISTINCT key) || '/' || SUM(status = 'ready') FROM models")"
check "registry keys = generated series ids" "$(cat "$DEMO/keys.expected")" "$(q "SELECT DISTINCT key FROM models ORDER BY key")"
check "versions per key (distinct counts)" "1" "$(q "SELECT DISTINCT n FROM (SELECT COUNT(*) AS n FROM models GROUP BY key)")"
check "work rows of the batch / done / attempts=1" "$keys/$keys/$keys" \
    "$(q "SELECT COUNT(*) || '/' || SUM(state = 'done') || '/' || SUM(attempts = 1) FROM work WHERE batch = '$BATCH'")"
check "work rows of other batches" "0" "$(q "SELECT COUNT(*) FROM work WHERE batch <> '$BATCH'")"
check "runs of the batch / distinct ids / succeeded" "$SHARDS/$SHARDS/$SHARDS" \
    "$(q "SELECT COUNT(*) || '/' || COUNT(DISTINCT id) || '/' || SUM(status = 'succeeded') FROM runs WHERE batch = '$BATCH'")"
check "shards of the runs" "0/4 1/4 2/4 3/4" "$(q "SELECT shard FROM runs WHERE batch = '$BATCH' ORDER BY shard" | paste -sd' ')"
check "keys whose model came from the run that claimed them" "$keys" \
    "$(q "SELECT COUNT(*) FROM models m JOIN work w ON w.key = m.key AND w.batch = '$BATCH' JOIN runs r ON r.id = w.owner AND r.id = m.run_id")"

echo "--- runs (shard, status, keys, host, started, finished)"
q -separator '  ' "SELECT r.shard, r.status, (SELECT COUNT(*) FROM work w WHERE w.owner = r.id), r.host, r.started, r.finished
                   FROM runs r WHERE r.batch = '$BATCH' ORDER BY r.shard" | sed 's/^/    /'

echo "=== summary"
echo "    Slurm $(sbatch --version | cut -d' ' -f2), one node ($HOST, 2 CPUs), array job $jobid_done: $SHARDS tasks, at most 2 at a time"
echo "    $keys series keys, $(q "SELECT MIN(n) || '-' || MAX(n) FROM (SELECT COUNT(*) AS n FROM models GROUP BY key)") version(s) per key, work: $(q "SELECT COUNT(*) FROM work WHERE state = 'done' AND attempts = 1") keys done at attempt 1"
echo "    $(q "SELECT COUNT(*) FROM runs WHERE batch = '$BATCH'") runs, shards $(q "SELECT shard || ':' || (SELECT COUNT(*) FROM work w WHERE w.owner = r.id) FROM runs r WHERE batch = '$BATCH' ORDER BY shard" | paste -sd' ') (shard:keys)"
echo "    wall time from sbatch to the last task's end: $wall s"
if ((fails)); then
    show_logs
    echo "    RESULT: $fails check(s) FAILED"
    exit 1
fi
echo "    RESULT: every key retrained exactly once"
