#!/usr/bin/env bash
# Installs the Debian packages driftmpi needs, if any is missing. Sourced by demo.sh and test.sh.
set -euo pipefail

DRIFTMPI_PACKAGES=(
  pkg-config
  openmpi-bin libopenmpi-dev          # Open MPI (pkg-config ompi-c), mpirun
  libfftw3-dev libfftw3-mpi-dev       # FFTW single precision (fftw3f, fftw3f_mpi)
  libhdf5-openmpi-dev                 # parallel HDF5 (pkg-config hdf5-openmpi)
  liblapacke-dev liblapack-dev libblas-dev   # LAPACK for the least-squares solve and splines
  libzip-dev                          # libzip (pkg-config libzip): NumPy .npz archives (import-pyme)
  libtiff-dev                         # libtiff (pkg-config libtiff-4): TIFF image stacks
  librsvg2-2                          # librsvg + cairo: plot --png renders the SVG (loaded at that run only)
  fonts-dejavu-core                   # DejaVu Sans, the plots' font (PNG text needs an installed font)
  libxml2-dev                         # libxml2 for the link of Foundation's XML parser (OME-TIFF) into the static release binary
  # What the Swift toolchain itself needs on Debian 12, found by running it on a bare debootstrap root
  # (scripts/fresh-check.sh): its shared libraries, git (SwiftPM fetches swift-argument-parser and
  # Yams), and the linker, C runtime and C/C++ headers that swiftc and clang use.
  libncurses6 libsqlite3-0 libcurl4 libxml2
  git
  binutils gcc libc6-dev libstdc++-12-dev
)

missing=()
for p in "${DRIFTMPI_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "driftmpi: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { [ -x /opt/swift/usr/bin/swift ] && export PATH=/opt/swift/usr/bin:$PATH; }
command -v swift >/dev/null || { echo "driftmpi: Swift 5.9 or newer is needed on PATH (swift.org)" >&2; exit 1; }

# Open MPI refuses to run as root unless told; CI and containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# More ranks than cores (tests run 3 and 4 ranks on 2 cores).
export OMPI_MCA_rmaps_base_oversubscribe=1
