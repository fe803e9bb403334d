#!/usr/bin/env bash
# Set up circa on a fresh clone: the Debian packages the native simulator and
# the native toolchain need (only those missing), then the npm dependencies.
# Everything from apt is optional: with Node and npm alone, `circa sim` runs on
# CXXRTL compiled to WebAssembly and `circa build` on the YoWASP tools. Without
# root or sudo (or without apt-get) this script says so and goes on.
#   verilator, g++, make   co-simulation on Verilator (the faster simulator)
#   python3                a pseudo-terminal for the serial-port test of `circa run`
#   iverilog               Icarus Verilog: second opinion, Verilog-2005 check
#   yosys, nextpnr-ice40,  the native toolchain (--toolchain native); the
#   fpga-icestorm          default YoWASP toolchain comes from npm
set -euo pipefail
# (no dirname or id: a PATH that holds only node must work too)
case "$0" in */*) cd "${0%/*}/.." ;; *) cd .. ;; esac

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have verilator     || need+=(verilator)
have g++           || need+=(g++)
have make          || need+=(make)
have python3       || need+=(python3)
have iverilog      || need+=(iverilog)
have yosys         || need+=(yosys)
have nextpnr-ice40 || need+=(nextpnr-ice40)
have icepack       || need+=(fpga-icestorm)

optional() {
  echo "setup: not installing ${need[*]} ($1)." >&2
  echo "setup: they are optional: circa sim uses CXXRTL in WebAssembly and circa build the YoWASP tools from npm" >&2
}
if [ ${#need[@]} -gt 0 ]; then
  if [ "${EUID:-$(id -u)}" -eq 0 ]; then sudo=""; elif have sudo && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
  if ! have apt-get; then
    optional "no apt-get on this machine"
  elif [ "$sudo" = none ]; then
    optional "not root and no sudo"
  else
    echo "setup: installing Debian packages: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
version() { if have "$1"; then "$@" 2>&1 | { IFS= read -r line; echo "$line"; }; else echo "no $1"; fi; }
echo "setup: $(version verilator --version), $(version iverilog -V), $(version yosys -V)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# Compile src/ to dist/ (what bin/circa.mjs runs); a no-op when dist/ is current.
npm run build
