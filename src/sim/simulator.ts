/**
 * One simulator interface, two back ends. A harness (sim/*_harness.cpp) is
 * built for a design by either
 *   verilator  native Verilator (src/sim/verilator.ts), the fastest, from apt;
 *   cxxrtl     YoWASP yosys write_cxxrtl + YoWASP clang to WebAssembly, run
 *              under node:wasi (src/sim/cxxrtl.ts): nothing to install.
 * Both compile the same harness source (only the adapter header differs), read
 * the same input file and write the same records, so everything above this
 * file (stream.ts, uart.ts, cosim.ts) does not care which one ran.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { trackChild } from '../cleanup.ts';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CircaError, CircaInputError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';
import { buildVerilated } from './verilator.ts';
import { buildCxxrtl, runWasm, type BuildPhases } from './cxxrtl.ts';

const run = promisify(execFile);

export const SIMULATORS = ['verilator', 'cxxrtl'] as const;
export type SimulatorName = (typeof SIMULATORS)[number];
export type SimulatorChoice = SimulatorName | 'auto';

export function parseSimulator(s: string): SimulatorChoice {
  if (s === 'auto' || (SIMULATORS as readonly string[]).includes(s)) return s as SimulatorChoice;
  throw new CircaInputError(`--simulator: expected auto, ${SIMULATORS.slice(0, -1).join(', ')} or ${SIMULATORS[SIMULATORS.length - 1]}, got '${s}'`);
}

let verilatorOnPath: boolean | undefined;
async function hasVerilator(): Promise<boolean> {
  if (verilatorOnPath === undefined) {
    verilatorOnPath = await run('verilator', ['--version']).then(() => true, () => false);
  }
  return verilatorOnPath;
}

/** auto: Verilator when it is on PATH, CXXRTL (WebAssembly) otherwise. */
export async function resolveSimulator(choice: SimulatorChoice = 'auto'): Promise<SimulatorName> {
  if (choice !== 'auto') return choice;
  return (await hasVerilator()) ? 'verilator' : 'cxxrtl';
}

/** The simulator a choice resolves to, with the sentence saying why (for `auto`). */
export async function describeSimulator(choice: SimulatorChoice): Promise<{ name: SimulatorName; why: string }> {
  const name = await resolveSimulator(choice);
  if (choice !== 'auto') return { name, why: `simulator: ${name} (as asked)` };
  return {
    name,
    why: name === 'verilator'
      ? 'simulator: verilator (auto: verilator is on PATH)'
      : 'simulator: cxxrtl (auto: no verilator on PATH; CXXRTL compiled to WebAssembly, nothing to install)',
  };
}

export interface HarnessBuild {
  sources: readonly SourceFile[];
  top: string;
  /** harness file name inside sim/ */
  harness: string;
  defines: Record<string, number | string>;
  /** extra Verilator flags (gate-level netlists) */
  verilatorFlags?: readonly string[];
  /** the yosys passes to C++ for CXXRTL when not the default (gate-level netlists) */
  cxxrtlScript?: string;
  /** the variant that can write a VCD */
  trace?: boolean;
}

/** An argument that names a file in the run's directory. */
export type HarnessArg = string | { file: string };

export interface Harness {
  simulator: SimulatorName;
  cached: boolean;
  seconds: number;
  /** CXXRTL: where a fresh build's time went (translation, runtime header, compile, its CPU) */
  phases?: BuildPhases;
  /** run once with files in `dir` (input written there, outputs read back from there) */
  run(dir: string, args: readonly HarnessArg[]): Promise<void>;
  /**
   * Start the harness as a process whose stdin and stdout are pipes (native
   * back ends only): the caller streams the input in and the records out
   * while it runs. `done` resolves when it exits with 0 and rejects with one
   * CircaError (the harness's stderr) otherwise.
   */
  spawn?(dir: string, args: readonly HarnessArg[]): { child: ChildProcessWithoutNullStreams; done: Promise<void> };
}

export async function buildHarness(sim: SimulatorName, b: HarnessBuild, onProgress?: (msg: string) => void): Promise<Harness> {
  if (sim === 'cxxrtl') {
    const built = await buildCxxrtl({ sources: b.sources, top: b.top, harness: b.harness, defines: b.defines, trace: b.trace, script: b.cxxrtlScript }, onProgress);
    return {
      simulator: sim,
      cached: built.cached,
      seconds: built.seconds,
      ...(built.phases ? { phases: built.phases } : {}),
      run: (dir, args) => runWasm(built.wasm, dir, args, b.top),
    };
  }
  const built = await buildVerilated(
    { sources: b.sources, top: b.top, harness: b.harness, defines: { ...b.defines, ...(b.trace ? { TRACE: 1 } : {}) }, extraFlags: [...(b.verilatorFlags ?? []), ...(b.trace ? ['--trace'] : [])] },
    onProgress,
  );
  return {
    simulator: sim,
    cached: built.cached,
    seconds: built.seconds,
    run: async (dir, args) => {
      try {
        const running = run(built.binary, args.map((a) => (typeof a === 'string' ? a : join(dir, a.file))), { maxBuffer: 16 * 1024 * 1024 });
        // an interrupt (src/cleanup.ts) kills the simulator too
        const untrackChild = trackChild(running.child);
        await running.finally(untrackChild);
      } catch (e) {
        const err = e as { stderr?: string };
        throw new CircaError(`simulation of ${b.top} failed: ${(err.stderr ?? String(e)).trim()}`);
      }
    },
    spawn: (dir, args) => {
      const child = spawn(built.binary, args.map((a) => (typeof a === 'string' ? a : join(dir, a.file))), { stdio: ['pipe', 'pipe', 'pipe'] });
      // an interrupt (src/cleanup.ts) kills the simulator too
      const untrackChild = trackChild(child);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (t: string) => { if (stderr.length < 1 << 16) stderr += t; });
      const done = new Promise<void>((resolveDone, reject) => {
        child.on('error', (e) => reject(new CircaError(`simulation of ${b.top} failed: ${e.message}`)));
        child.on('close', (code, signal) => {
          untrackChild();
          if (code === 0) resolveDone();
          else reject(new CircaError(`simulation of ${b.top} failed: ${stderr.trim() || (signal ? `killed by ${signal}` : `exit status ${code}`)}`));
        });
      });
      return { child, done };
    },
  };
}
