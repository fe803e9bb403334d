#!/usr/bin/env bash
# Set up circa on a fresh clone: the Debian packages the simulator and the
# native toolchain need (only those missing), then the npm dependencies.
#   verilator, g++, make   co-simulation (primary simulator)
#   python3                a pseudo-terminal for the serial-port test of `circa run`
#   iverilog               Icarus Verilog: second opinion, Verilog-2005 check
#   yosys, nextpnr-ice40,  the native toolchain (--toolchain native); the
#   fpga-icestorm          default YoWASP toolchain comes from npm
set -euo pipefail
cd "$(dirname "$0")/.."

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

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif have sudo; then sudo="sudo"; else
    echo "setup: need root (or sudo) to install: ${need[*]}" >&2; exit 1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "setup: $(verilator --version), $(iverilog -V 2>&1 | head -n1), $(yosys -V)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# Compile src/ to dist/ (what bin/circa.mjs runs); a no-op when dist/ is current.
npm run build
