#!/usr/bin/env bash
# Runs the Slurm job scripts in jobs/ on a real one-node Slurm cluster started here: installs Slurm
# and MUNGE from Debian if missing, starts munged (if not running), slurmctld and slurmd with a
# generated slurm.conf under a temporary directory, simulates two small data sets with the release
# driftmpi, submits jobs/driftmpi.sbatch (2 ranks, estimate + apply), jobs/driftmpi-array.sbatch (an
# array over the 2 inputs), jobs/driftmpi-multinode.sbatch (on this one node) and a job that must
# fail (missing input), checks their states, results and logs, and stops the daemons it started on
# exit. Needs root, or sudo for the daemons. Takes about 15 s once Slurm is installed.
# Any step that does not work ends the script non-zero with the reason and the daemons' logs.
#
#   bash scripts/slurm-test.sh     # DRIFTMPI_BIN=/path/driftmpi: a given build; SLURM_TEST_KEEP=1: keep the files
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
t0=$(date +%s)

say() { echo "slurm-test: $*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    echo "slurm-test: FAILED: the Slurm daemons need root: run as root or with password-less sudo" >&2
    exit 1
  fi
fi
export PATH="$PATH:/usr/sbin:/sbin"

# --- Slurm and MUNGE from Debian -----------------------------------------------------------
missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $SUDO apt-get update -qq
  # Debian's post-install scripts try to start the services; in containers policy-rc.d refuses,
  # which is fine: this script starts the daemons itself.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for c in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$c" >/dev/null || { echo "slurm-test: FAILED: $c not found after installing slurm-wlm and munge" >&2; exit 1; }
done

# --- driftmpi (release build) and MPI environment -------------------------------------------
source scripts/deps.sh   # packages driftmpi needs, Swift on PATH, Open MPI as root, oversubscription
bin=${DRIFTMPI_BIN:-}
if [ -z "$bin" ]; then
  build_log=$(mktemp)
  if ! swift build -c release > "$build_log" 2>&1; then
    tail -n 30 "$build_log" >&2
    rm -f "$build_log"
    echo "slurm-test: FAILED: swift build -c release failed" >&2
    exit 1
  fi
  rm -f "$build_log"
  bin="$(swift build -c release --show-bin-path)/driftmpi"
fi
[ -x "$bin" ] || { echo "slurm-test: FAILED: no driftmpi at $bin" >&2; exit 1; }
export DRIFTMPI="$bin"     # honoured by the job scripts
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

# --- cluster --------------------------------------------------------------------------------
tmp=$(mktemp -d /tmp/driftmpi-slurm.XXXXXX)
chmod 755 "$tmp"
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/data" "$tmp/out" "$tmp/logs"
ctld_pid="" slurmd_pid="" munged_pid="" job_ids=()

show_logs() {
  local f
  for f in "$tmp/slurmctld.log" "$tmp/slurmd.log" "$tmp/slurmctld.out" "$tmp/slurmd.out" "$tmp/munge/munged.log"; do
    [ -s "$f" ] || continue
    case "$f" in *.out) [ -s "${f%.out}.log" ] && continue ;; esac   # the same lines as the .log
    echo "----- $f (last 25 lines)" >&2
    tail -n 25 "$f" >&2
  done
}
fail() {
  echo "slurm-test: FAILED: $*" >&2
  show_logs
  exit 1
}
stop() {   # stops a process this script started, by its id
  local pid=$1 i
  [ -n "$pid" ] || return 0
  $SUDO kill "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do $SUDO kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  $SUDO kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  if [ -n "$ctld_pid" ] && [ ${#job_ids[@]} -gt 0 ]; then
    scancel "${job_ids[@]}" 2>/dev/null
    sleep 1
  fi
  stop "$slurmd_pid"
  stop "$ctld_pid"
  stop "$munged_pid"
  if [ "$rc" -eq 0 ] && [ -z "${SLURM_TEST_KEEP:-}" ]; then $SUDO rm -rf "$tmp"; else echo "slurm-test: files kept in $tmp" >&2; fi
  exit "$rc"
}
trap cleanup EXIT

# MUNGE: use a running munged, else start one (as its own user, with a key if there is none).
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "munged is running"
else
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating the MUNGE key"
    $SUDO mungekey -c -k /etc/munge/munge.key    # munge 0.5.15 (Debian 12)
  fi
  $SUDO mkdir -p /run/munge /var/lib/munge /var/log/munge
  $SUDO chown munge:munge /etc/munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge
  $SUDO chmod 700 /etc/munge
  $SUDO chmod 400 /etc/munge/munge.key
  $SUDO chmod 755 /run/munge
  $SUDO mkdir -p "$tmp/munge"
  $SUDO chown munge:munge "$tmp/munge"
  $SUDO runuser -u munge -- munged --log-file="$tmp/munge/munged.log" --pid-file="$tmp/munge/munged.pid" \
    || fail "munged did not start"
  for i in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munged_pid=$($SUDO cat "$tmp/munge/munged.pid" 2>/dev/null || true)
  munge -n | unmunge >/dev/null 2>&1 || fail "munged does not answer (munge -n | unmunge)"
  say "started munged (pid $munged_pid)"
fi

# Two free ports for slurmctld and slurmd (a real cluster's daemons may hold 6817 and 6818).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=16817
while ! port_free "$ctld_port" || ! port_free $((ctld_port + 1)); do ctld_port=$((ctld_port + 2)); done
host=$(hostname -s)
cpus=$(nproc)
[ "$cpus" -ge 2 ] || cpus=2   # the job asks for 2 tasks; config_overrides lets slurmd accept it
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
conf="$tmp/slurm.conf"
cat > "$conf" <<EOF
# one-node test cluster generated by scripts/slurm-test.sh
ClusterName=drifttest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=600
MailProg=/bin/true
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE OverSubscribe=YES State=UP
EOF
export SLURM_CONF="$conf"

say "starting slurmctld and slurmd on $host (ports $ctld_port, $((ctld_port + 1))), config $conf"
$SUDO env SLURM_CONF="$conf" slurmctld -D -i -f "$conf" > "$tmp/slurmctld.out" 2>&1 &
ctld_pid=$!
$SUDO env SLURM_CONF="$conf" slurmd -D -f "$conf" -N "$host" > "$tmp/slurmd.out" 2>&1 &
slurmd_pid=$!
state=""
for i in $(seq 150); do
  kill -0 "$ctld_pid" 2>/dev/null || fail "slurmctld exited"
  kill -0 "$slurmd_pid" 2>/dev/null || fail "slurmd exited"
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  case "$state" in idle*|mixed*|allocated*) break ;; esac
  sleep 0.2
done
case "$state" in idle*|mixed*|allocated*) ;; *) fail "node $host is not idle after 30 s (state '${state:-none}')" ;; esac
say "node $host is $state ($cpus CPUs, $mem MB)"

# --- data and jobs --------------------------------------------------------------------------
for n in a b; do
  seed=1; [ "$n" = b ] && seed=2
  "$bin" simulate locs "$tmp/data/$n.hdf5" --frames 6000 --sites 1000 --seed "$seed" > /dev/null
done
printf '%s\n' "$tmp/data/a.hdf5" "$tmp/data/b.hdf5" > "$tmp/data/list.txt"

submit() {   # submit NAME=VALUE ... -- SBATCH-ARGUMENTS: sets the job's parameters, prints the job id
  local vars=() out
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  out=$(env "${vars[@]}" sbatch --parsable --export=ALL -D "$tmp" "$@") || fail "sbatch $* was refused"
  echo "${out%%;*}"
}
one=$(submit INPUT="$tmp/data/a.hdf5" OUTPUT="$tmp/out/a_drift.h5" CORRECTED="$tmp/out/a_undrift.hdf5" \
        ESTIMATE_OPTIONS="--timings --truth $tmp/data/a_truth.csv" \
        -- --ntasks=2 --mem-per-cpu=512M --time=5 -o "$tmp/logs/one-%j.out" "$repo/jobs/driftmpi.sbatch")
job_ids+=("$one")
arr=$(submit LIST="$tmp/data/list.txt" OUTDIR="$tmp/out/array" ESTIMATE_OPTIONS="--timings" LAUNCHER=mpirun \
        -- --array=1-2 --ntasks=1 --mem-per-cpu=512M --time=5 -o "$tmp/logs/array-%A_%a.out" "$repo/jobs/driftmpi-array.sbatch")
job_ids+=("$arr")
bad=$(submit INPUT="$tmp/data/missing.hdf5" OUTPUT="$tmp/out/missing_drift.h5" \
        -- --ntasks=2 --mem-per-cpu=512M --time=5 -o "$tmp/logs/bad-%j.out" "$repo/jobs/driftmpi.sbatch")
job_ids+=("$bad")
multi=$(submit INPUT="$tmp/data/b.hdf5" OUTPUT="$tmp/out/multinode/b_drift.h5" ESTIMATE_OPTIONS="--quiet" \
        -- --nodes=1 --ntasks-per-node=2 --mem-per-cpu=512M --time=5 -o "$tmp/logs/multi-%j.out" "$repo/jobs/driftmpi-multinode.sbatch")
job_ids+=("$multi")
say "submitted job $one (driftmpi.sbatch, 2 ranks), array $arr (driftmpi-array.sbatch, 2 inputs)," \
  "job $bad (driftmpi.sbatch, must fail), job $multi (driftmpi-multinode.sbatch on this one node)"

deadline=$(( $(date +%s) + 90 ))
while [ -n "$(squeue -h -j "$one,$arr,$bad,$multi" -o %i 2>/dev/null)" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { squeue >&2; fail "jobs still queued or running after 90 s"; }
  kill -0 "$ctld_pid" 2>/dev/null || fail "slurmctld exited"
  sleep 0.5
done

# The first job again: refused while its outputs exist, and run with FORCE=1 (a job run twice or
# requeued). Together: the refusal sees the result whether or not the forced job has replaced it.
again=$(submit INPUT="$tmp/data/a.hdf5" OUTPUT="$tmp/out/a_drift.h5" \
        -- --ntasks=2 --mem-per-cpu=512M --time=5 -o "$tmp/logs/again-%j.out" "$repo/jobs/driftmpi.sbatch")
job_ids+=("$again")
forced=$(submit INPUT="$tmp/data/a.hdf5" OUTPUT="$tmp/out/a_drift.h5" CORRECTED="$tmp/out/a_undrift.hdf5" FORCE=1 \
        -- --ntasks=2 --mem-per-cpu=512M --time=5 -o "$tmp/logs/forced-%j.out" "$repo/jobs/driftmpi.sbatch")
job_ids+=("$forced")
say "submitted job $again (the first again, must fail) and job $forced (the first again with FORCE=1)"
deadline=$(( $(date +%s) + 90 ))
while [ -n "$(squeue -h -j "$again,$forced" -o %i 2>/dev/null)" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { squeue >&2; fail "jobs still queued or running after 90 s"; }
  kill -0 "$ctld_pid" 2>/dev/null || fail "slurmctld exited"
  sleep 0.5
done

# --- checks ---------------------------------------------------------------------------------
passed=0 errors=0
check() {
  if eval "$2"; then say "ok: $1"; passed=$((passed + 1))
  else echo "slurm-test: NOT OK: $1" >&2; errors=$((errors + 1)); fi
}
job_field() {   # job_field ID FIELD: every value of FIELD=... in `scontrol show job ID` (array: one per task)
  scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p"
}
is_result() {   # is_result RESULT: a driftmpi result that driftmpi reads back, with a drift at every frame
  # driftmpi's own reader (no HDF5 command-line tools): /drift/frame and /drift/xyz must be there.
  [ -s "$1" ] || return 1
  "$bin" inspect "$1" --json 2>/dev/null | grep -q '"drift_frames" *: *6000[,}]'
}
# No line with 'error' but driftmpi's own figure line ("expected error from split halves: ...").
clean_log() { [ -s "$1" ] && ! grep -i 'error' "$1" | grep -vi 'expected error from split halves' | grep -q .; }

log_one=$tmp/logs/one-$one.out
log_bad=$tmp/logs/bad-$bad.out
check "job $one COMPLETED with exit 0:0" '[ "$(job_field "$one" JobState)" = COMPLETED ] && [ "$(job_field "$one" ExitCode)" = 0:0 ]'
check "both array tasks of $arr COMPLETED with exit 0:0" \
  '[ "$(job_field "$arr" JobState | sort -u)" = COMPLETED ] && [ "$(job_field "$arr" ExitCode | sort -u)" = 0:0 ] && [ "$(job_field "$arr" JobState | wc -l)" -eq 2 ]'
check "job $bad FAILED with driftmpi's exit status 1 (1:0)" '[ "$(job_field "$bad" JobState)" = FAILED ] && [ "$(job_field "$bad" ExitCode)" = 1:0 ]'
check "job $multi COMPLETED with exit 0:0" '[ "$(job_field "$multi" JobState)" = COMPLETED ] && [ "$(job_field "$multi" ExitCode)" = 0:0 ]'
check "driftmpi.sbatch wrote a driftmpi result" 'is_result "$tmp/out/a_drift.h5"'
check "driftmpi.sbatch wrote the corrected localisations" '[ -s "$tmp/out/a_undrift.hdf5" ] && [ -s "$tmp/out/a_undrift.yaml" ]'
check "the array wrote one result per input" 'is_result "$tmp/out/array/a_drift.h5" && is_result "$tmp/out/array/b_drift.h5"'
check "no temporary or partial output is left" '[ -z "$(find "$tmp/out" -name "*.part")" ] && [ ! -e "$tmp/out/missing_drift.h5" ]'
check "job log: command, 2 ranks, timings, result, done, no 'error'" \
  'grep -q "^+ .*driftmpi estimate $tmp/data/a.hdf5" "$log_one" && grep -q "localisations, .*, 2 ranks" "$log_one" \
   && grep -q "peak resident memory" "$log_one" && grep -q "^result: $tmp/out/a_drift.h5" "$log_one" \
   && grep -q "^driftmpi.sbatch: done" "$log_one" && clean_log "$log_one"'
array_logs_ok() {
  local t f
  for t in 1 2; do
    f=$tmp/logs/array-${arr}_$t.out
    grep -q "^result: $tmp/out/array/" "$f" && grep -q "^driftmpi-array.sbatch: done" "$f" && clean_log "$f" || return 1
  done
}
check "array logs: one result each, done, no 'error'" 'array_logs_ok'
log_multi=$tmp/logs/multi-$multi.out
check "multinode log: its directory made, result, done, no 'error'" \
  'grep -q "^+ mkdir -p $tmp/out/multinode" "$log_multi" && is_result "$tmp/out/multinode/b_drift.h5" \
   && grep -q "^result: $tmp/out/multinode/b_drift.h5" "$log_multi" && grep -q "^driftmpi-multinode.sbatch: done" "$log_multi" \
   && clean_log "$log_multi"'
check "failing job log: driftmpi's one error line and the script's exit status" \
  '[ "$(grep -c "^driftmpi: error: " "$log_bad")" -eq 1 ] && grep -q "driftmpi.sbatch: exit status 1 from" "$log_bad"'
check "job $again (outputs exist) FAILED with 1:0, naming the result" \
  '[ "$(job_field "$again" JobState)" = FAILED ] && [ "$(job_field "$again" ExitCode)" = 1:0 ] \
   && grep -q "^driftmpi: error: $tmp/out/a_drift.h5: the output exists; give --force to replace it" "$tmp/logs/again-$again.out"'
check "job $forced (FORCE=1) COMPLETED and replaced both outputs" \
  '[ "$(job_field "$forced" JobState)" = COMPLETED ] && grep -q -- "estimate .* --force" "$tmp/logs/forced-$forced.out" \
   && grep -q -- "apply .* --force" "$tmp/logs/forced-$forced.out" && [ "$tmp/out/a_drift.h5" -nt "$log_one" ] \
   && [ "$tmp/out/a_undrift.hdf5" -nt "$log_one" ]'

say "log of job $one:"
sed 's/^/    /' "$log_one"
if [ "$errors" -gt 0 ]; then
  for f in "$tmp"/logs/*; do echo "----- $f" >&2; cat "$f" >&2; done
  fail "$passed passed, $errors failed"
fi
say "all checks passed in $(( $(date +%s) - t0 )) s"
say "$passed passed, 0 failed"
