#!/usr/bin/env bash
# Proves the README's two commands on a bare Debian 12 root: a root made with `debootstrap bookworm`
# (Debian's required and important packages, nothing else), the Swift toolchain of this machine
# bind-mounted in read-only, /proc, /sys (with the cgroups) and /dev mounted, a clone of this repository's HEAD in
# /root/driftmpi, and then, inside the root, `scripts/demo.sh` followed by `scripts/test.sh`. Prints
# the last lines of each and the time each took; exits non-zero if either fails. See docs/testing.md.
#
#   sudo scripts/fresh-check.sh [DIR]    # DIR: where the roots go (default /var/tmp/driftmpi-fresh)
#
# Environment: FRESH_STEPS="demo test" (the default; e.g. "demo" for the first command alone),
# FRESH_KEEP=1 keeps the used root (DIR/root) for a look inside, DEBIAN_MIRROR (default
# http://deb.debian.org/debian), FRESH_REBUILD=1 makes the cached bare root anew.
#
# The bare root is made once (72 s on the 2-core development machine) and kept as DIR/base; every check copies it to DIR/root,
# so each run starts from the bare root. Needs root (debootstrap, chroot, mounts) and about 8 GB in
# DIR while the tests run. Takes about as long as demo.sh plus test.sh on a new machine
# (14-17 min measured on 2 cores), since every package and the whole build start from nothing.
#
# What comes from this machine, and why: the Swift toolchain (the README's one prerequisite; not a
# Debian package), /etc/resolv.conf (to reach Debian's mirror), and git's `url.<base>.insteadOf`
# settings with the folders they point to. The last only where this machine has them: a workplace
# that serves the package dependencies (swift-argument-parser, Yams) from local git mirrors instead
# of GitHub. Nothing else: every Debian package the commands need is installed by them, inside.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
dir=${1:-/var/tmp/driftmpi-fresh}
steps=${FRESH_STEPS:-demo test}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { echo "fresh-check: $*"; }
die() { echo "fresh-check: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mounts): run it with sudo"
export PATH="$PATH:/usr/sbin:/sbin"
if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# The toolchain: the folder above usr/bin/swift, mounted at the same path inside.
swift_bin=$(command -v swift || true)
[ -n "$swift_bin" ] || { [ -x /opt/swift/usr/bin/swift ] && swift_bin=/opt/swift/usr/bin/swift; }
[ -n "$swift_bin" ] || die "no Swift toolchain on PATH or in /opt/swift"
bin_dir=$(cd "$(dirname "$swift_bin")" && pwd -P)
toolchain=${bin_dir%/usr/bin}
[ -x "$toolchain/usr/bin/swift" ] || die "cannot tell the toolchain's folder from $swift_bin (not DIR/usr/bin/swift)"

mkdir -p "$dir"
base=$dir/base root=$dir/root
if [ -n "${FRESH_REBUILD:-}" ] || [ ! -e "$base/.debootstrap-complete" ]; then
  rm -rf "$base"
  say "debootstrap bookworm into $base (from $mirror)"
  t0=$SECONDS
  debootstrap bookworm "$base" "$mirror" > "$dir/debootstrap.log" 2>&1 \
    || { tail -n 20 "$dir/debootstrap.log" >&2; die "debootstrap failed (log: $dir/debootstrap.log)"; }
  touch "$base/.debootstrap-complete"
  say "bare root made in $((SECONDS - t0)) s"
fi

mounts=()
cleanup() {
  local rc=$? i
  set +e
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null; done
  if grep -q " $root[/ ]" /proc/mounts; then   # never delete through a mount (/dev, the toolchain)
    echo "fresh-check: mounts under $root remain; the root is left in place" >&2
  elif [ -z "${FRESH_KEEP:-}" ]; then rm -rf "$root"
  else echo "fresh-check: root kept in $root" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
mount_in() {   # mount_in TARGET MOUNT-ARGUMENTS...: mounts inside the root, unmounted on exit
  local target=$root$1; shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounts+=("$target")
}

say "copying the bare root to $root"
! grep -q " $root[/ ]" /proc/mounts || die "something is still mounted under $root (an earlier run): unmount it first"
rm -rf "$root"
cp -a "$base" "$root"
mount_in /proc -t proc proc
mount_in /sys --rbind /sys                        # with /sys/fs/cgroup: slurmd needs the cgroups
mount --make-rslave "$root/sys"
mount_in /dev --rbind /dev
mount --make-rslave "$root/dev"
mount_in /dev/shm -t tmpfs -o size=4g tmpfs     # Open MPI's shared-memory transport
mount_in "$toolchain" --bind -o ro "$toolchain"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
echo "127.0.0.1 localhost $(hostname)" > "$root/etc/hosts"

# Local git mirrors, where this machine reads GitHub from them (url.<base>.insteadOf).
git_config=""
if command -v git >/dev/null; then
  while read -r key value; do
    b=${key#url.}; b=${b%.insteadof}
    case "$b" in /*) ;; *) continue ;; esac
    [ -d "$b" ] || continue
    if [ ! -d "$root$b" ]; then mount_in "$b" --bind -o ro "$b"; fi
    git_config+="[url \"$b\"]"$'\n'"	insteadOf = $value"$'\n'
  done < <(git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null; git config --global --get-regexp '^url\..*\.insteadof$' 2>/dev/null)
fi
[ -z "$git_config" ] || { printf '%s' "$git_config" > "$root/etc/gitconfig"; say "git mirrors: $(printf '%s' "$git_config" | grep -c insteadOf) rules from this machine"; }

# The repository as committed (HEAD), cloned without git (the bare root has none).
mkdir -p "$root/root/driftmpi"
git -C "$repo" archive HEAD | tar -x -C "$root/root/driftmpi"
say "HEAD $(git -C "$repo" rev-parse --short HEAD) of $repo in /root/driftmpi"

inside() {   # inside COMMAND: runs it in the root as a new root login would, with Swift on PATH
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH="$toolchain/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    /bin/bash -c "cd /root/driftmpi && $1"
}

status=0 summary=()
for step in $steps; do
  case "$step" in
    demo) command="bash scripts/demo.sh" ;;
    test) command="bash scripts/test.sh" ;;
    *) die "FRESH_STEPS: unknown step '$step' (demo, test)" ;;
  esac
  log=$dir/$step.log
  say "running '$command' inside the root (log: $log)"
  t0=$SECONDS rc=0
  inside "$command" > "$log" 2>&1 < /dev/null || rc=$?
  took=$((SECONDS - t0))
  echo "----- last lines of $command (exit $rc, $((took / 60)) min $((took % 60)) s)"
  tail -n 12 "$log"
  summary+=("$command: exit $rc in $((took / 60)) min $((took % 60)) s")
  [ "$rc" -eq 0 ] || { status=1; break; }
done
echo "-----"
for line in "${summary[@]}"; do say "$line"; done
[ "$status" -eq 0 ] && say "the README's commands passed on a bare Debian 12 root" || say "FAILED (logs in $dir)"
exit "$status"
