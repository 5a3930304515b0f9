#!/usr/bin/env bash
# A real single-node Slurm cluster (munged, slurmctld, slurmd under $WORK) runs a 4-task array of
# `prerender run MANIFEST --shard auto`. Task 2 is killed (SIGKILL) after a few renditions on its first
# attempt and requeued: the retry renders only what the killed attempt had not recorded. After merge, the
# files are byte-identical to one unsharded run's and urls.txt is the same. Skips only when the daemons
# cannot start, except on CI (CI set), where it fails.
source "$(dirname "$0")/lib.sh"
PATH="$PATH:/usr/sbin"
B="$WORK/slurm"
mkdir -p "$B"/{munge,state,spool,log}
chmod 711 "$WORK" "$B" "$B/munge"   # munged refuses a socket whose folders lack o+x

unavailable() {
  if [[ -n "${CI:-}" ]]; then fail "on CI the Slurm cluster must start: $*"; fi
  skip "$*"
}
stop_daemons() {
  stop_by_pidfiles "$B/slurmd.pid" "$B/slurmctld.pid" "$B/munge/munged.pid"
}
show_logs() { local f; for f in "$B"/log/*.log "$B/munge/munged.log"; do echo "--- $f" >&2; tail -n 30 "$f" >&2 || true; done; }
trap 'stop_daemons; rm -rf "$WORK"' EXIT

for tool in munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo; do
  command -v "$tool" >/dev/null 2>&1 || unavailable "$tool is not installed (scripts/setup --test installs slurm-wlm and munge)"
done
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

mungekey -c -k "$B/munge/munge.key" >/dev/null 2>&1 || unavailable "mungekey could not create a key"
munged -S "$B/munge/munge.socket.2" --key-file="$B/munge/munge.key" --pid-file="$B/munge/munged.pid" \
  --log-file="$B/munge/munged.log" --seed-file="$B/munge/munged.seed" 2>"$B/log/munged-start.log" ||
  { cat "$B/log/munged-start.log" >&2; unavailable "munged did not start"; }
cat >"$B/slurm.conf" <<CONF
ClusterName=prerender
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$B/munge/munge.socket.2
StateSaveLocation=$B/state
SlurmdSpoolDir=$B/spool
SlurmctldPidFile=$B/slurmctld.pid
SlurmdPidFile=$B/slurmd.pid
SlurmctldLogFile=$B/log/slurmctld.log
SlurmdLogFile=$B/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=node1 NodeAddr=127.0.0.1 CPUs=2 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$B/slurm.conf"
slurmctld 2>"$B/log/slurmctld-start.log" || { cat "$B/log/slurmctld-start.log" >&2; unavailable "slurmctld did not start"; }
slurmd -N node1 2>"$B/log/slurmd-start.log" || { cat "$B/log/slurmd-start.log" >&2; unavailable "slurmd did not start"; }
for _ in $(seq 150); do [[ $(sinfo -h -n node1 -o %T 2>/dev/null) == idle ]] && break; sleep 0.1; done
[[ $(sinfo -h -n node1 -o %T 2>/dev/null) == idle ]] || { show_logs; unavailable "the Slurm node did not become idle within 15 s"; }

# wait_job JOBID: until no task of the job is pending or running (at most 300 s).
wait_job() {
  for _ in $(seq 3000); do
    [[ -z $(squeue -h -j "$1" 2>/dev/null) ]] && return 0
    sleep 0.1
  done
  show_logs; fail "Slurm job $1 did not finish within 300 s"
}
# task_state JOBID TASK: the task's JobState and ExitCode, e.g. "COMPLETED 0:0".
task_state() {
  scontrol -o show job "$1_$2" | sed -E 's/.* JobState=([A-Z_]+) .* ExitCode=([0-9:]+) .*/\1 \2/'
}

# 24 real photos (8 fixtures under three names), six small renditions and one large AVIF each, so that a shard
# lasts long enough to be killed in the middle.
make_site "$WORK/whole"
for n in a b; do for f in "$WORK"/whole/images/[!ab]*.jpg; do cp "$f" "$WORK/whole/images/$n-$(basename "$f")"; done; done
sed -i 's/^presets:$/presets:\n  large: { resize: { width: 1400 }, format: [avif] }/; s/presets: \[small, square\]/presets: [small, square, large]/' \
  "$WORK/whole/site.yaml"
cp -r "$WORK/whole" "$WORK/sharded"
run_prerender run "$WORK/whole/site.yaml" --jobs 2
expect_status 0
expect_err "168 rendered"

# The array's tasks. Task 2's first attempt kills its prerender with SIGKILL once 3 renditions are recorded.
ROOT="$WORK/sharded/public"
cat >"$B/task.sh" <<TASK
#!/usr/bin/env bash
if [[ \$SLURM_ARRAY_TASK_ID == 2 && ! -e "$B/killed-lines" ]]; then
  "$PRERENDER" run "$WORK/sharded/site.yaml" --shard auto --jobs 1 &
  pid=\$!
  journal="$ROOT/renditions-2-of-4.jsonl"
  while kill -0 \$pid 2>/dev/null; do
    if [[ -f \$journal ]] && (( \$(wc -l <"\$journal") >= 3 )); then
      kill -KILL \$pid; wait \$pid
      wc -l <"\$journal" >"$B/killed-lines"
      exit 137
    fi
    sleep 0.02
  done
  wait \$pid
  echo "finished before it could be killed" >&2
  exit 99
fi
exec "$PRERENDER" run "$WORK/sharded/site.yaml" --shard auto --jobs 1
TASK
job=$(sbatch --parsable -D "$WORK" -o "$B/out-%a.txt" --array=0-3 --wrap "bash $B/task.sh") || { show_logs; fail "sbatch refused the array"; }
wait_job "$job"
for k in 0 1 3; do
  [[ $(task_state "$job" "$k") == "COMPLETED 0:0" ]] || { cat "$B/out-$k.txt" >&2; fail "task $k: $(task_state "$job" "$k")"; }
  [[ -f "$ROOT/renditions-$k-of-4.jsonl" ]] || fail "task $k wrote no shard journal"
done
[[ -s "$B/killed-lines" ]] || { cat "$B/out-2.txt" >&2; fail "task 2 was not killed mid-run: $(task_state "$job" 2)"; }
[[ $(task_state "$job" 2) == "FAILED 137:0" ]] || fail "killed task 2 should be FAILED 137:0, is $(task_state "$job" 2)"
recorded=$(tr -d ' ' <"$B/killed-lines")

# The retry: Slurm requeues the same array task (same SLURM_ARRAY_TASK_* variables, so the same shard).
echo "array finished in $SECONDS s" >&2
scontrol requeue "${job}_2" || { show_logs; fail "scontrol requeue ${job}_2 refused"; }
# A requeued job is held back until a begin time (about two minutes): let it start at once.
scontrol update JobId="${job}_2" StartTime=now || true
wait_job "$job"
[[ $(task_state "$job" 2) == "COMPLETED 0:0" ]] || { cat "$B/out-2.txt" >&2; fail "requeued task 2: $(task_state "$job" 2)"; }
total=$(wc -l <"$ROOT/renditions-2-of-4.jsonl")
summary=$(grep -E '[0-9]+ rendered, [0-9]+ up to date' "$B/out-2.txt") || { cat "$B/out-2.txt" >&2; fail "no summary from the retry"; }
[[ $summary == *"$((total - recorded)) rendered, $recorded up to date"* ]] ||
  fail "the retry of shard 2 ($total renditions, $recorded recorded before the kill) said: $summary"
echo "retry finished at $SECONDS s" >&2
echo "shard 2: killed after $recorded of $total renditions; retry: $summary" >&2

run_prerender merge "$WORK/sharded/site.yaml"
expect_status 0
expect_out "merged 4 shard journals: 168 renditions"
(cd "$WORK/whole/public" && find . -type f \( -name '*.jpg' -o -name '*.webp' -o -name '*.png' -o -name '*.avif' \) | sort) >"$WORK/files-whole"
(cd "$ROOT" && find . -type f \( -name '*.jpg' -o -name '*.webp' -o -name '*.png' -o -name '*.avif' \) | sort) >"$WORK/files-sharded"
[[ $(wc -l <"$WORK/files-whole") == 168 ]] || fail "the whole run wrote $(wc -l <"$WORK/files-whole") files"
cmp -s "$WORK/files-whole" "$WORK/files-sharded" || fail "the shards wrote other files than the whole run"
while IFS= read -r f; do
  cmp -s "$WORK/whole/public/$f" "$ROOT/$f" || fail "bytes differ: $f"
done <"$WORK/files-whole"
sort "$WORK/whole/public/urls.txt" >"$WORK/u1"; sort "$ROOT/urls.txt" >"$WORK/u2"
cmp -s "$WORK/u1" "$WORK/u2" || fail "merged urls.txt differs from the whole run's"
check_outputs "$ROOT"
