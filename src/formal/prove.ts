/**
 * Running one formal check: yosys (the YoWASP build, in a worker thread as
 * every YoWASP run in circa) reads the RTL and a generated miter, and its
 * `sat` pass either proves every assertion for all inputs (and, for a
 * sequential miter, for every input sequence up to a number of clock steps)
 * or returns a counterexample.
 */
import { runYowaspTool, type Tree } from '../flow/yowasp.ts';
import type { SourceFile } from '../verilog/index.ts';
import { renameCommands } from '../target/index.ts';

export interface ProofJob {
  /** what is proven, one line */
  name: string;
  /** the RTL under test (templates, generated tops) and the miter */
  sources: SourceFile[];
  /** the miter module */
  top: string;
  /**
   * Combinational: the miter has an output `ok` that must be 1 for every input.
   * Sequential: the miter holds `assert` statements (read with -formal) that
   * must hold at every step 2..steps, with `rst` high in step 1 and low after.
   */
  mode: { kind: 'comb' } | { kind: 'seq'; steps: number; /** extra `-set-at <step> <signal> <value>` triples fixing inputs */ fixed?: [number, string, number][] };
}

/** One step of a counterexample: input name -> value (two's complement bits as an unsigned bigint). */
export type TraceStep = Map<string, bigint>;

export interface ProofResult {
  name: string;
  proved: boolean;
  /** the inputs of the counterexample, step by step (index 0 = step 1); empty when proved */
  counterexample: TraceStep[];
  /** SAT problem size of the final proof */
  variables: number;
  clauses: number;
  seconds: number;
  log: string;
}

/** The yosys script for a job (exported so the README and tests can show it). */
export function proofScript(job: ProofJob): string {
  const files = job.sources.map((s) => s.name).join(' ');
  // placeholder cells renamed as the synthesis script renames them (src/target/ice40/script.ts), then elaborated
  // again so the renamed cells take their simulation models (e.g. SB_MAC16 from the iCE40 cells_sim.v)
  const renames = renameCommands(job.sources);
  const rename = renames.length ? `; ${renames.join('; ')}; hierarchy -check -top ${job.top}` : '';
  const prep = `read_verilog -formal ${files}; hierarchy -check -top ${job.top}${rename}; proc; chformal -lower; flatten; memory; opt -keepdc -fast`;
  if (job.mode.kind === 'comb') return `${prep}; sat -prove ok 1 -show-inputs`;
  const n = job.mode.steps;
  const rstLow = Array.from({ length: n - 1 }, (_, i) => `-set-at ${i + 2} rst 0`).join(' ');
  const fixed = (job.mode.fixed ?? []).map(([t, sig, v]) => ` -set-at ${t} ${sig} ${v}`).join('');
  return `${prep}; sat -seq ${n} -set-at 1 rst 1 ${rstLow}${fixed} -set-assumes -prove-asserts -prove-skip 1 -show-inputs`;
}

function toTree(sources: readonly SourceFile[]): Tree {
  return Object.fromEntries(sources.map((s) => [s.name, s.text]));
}

/** Parse the `-show-inputs` table that sat prints with a model. */
export function parseTrace(log: string): TraceStep[] {
  const steps: TraceStep[] = [];
  // rows: "   <step> \name  <hex> <dec> <bin>" (sequential) or "  \name  <hex> <dec> <bin>" (one step)
  const re = /^\s+(?:(\d+)\s+)?\\(\S+)\s+(\S+)\s+(\S+)\s+([01xz]+)\s*$/gm;
  for (const m of log.matchAll(re)) {
    const step = m[1] ? Number(m[1]) - 1 : 0;
    while (steps.length <= step) steps.push(new Map());
    const bits = m[5];
    steps[step].set(m[2], /[xz]/.test(bits) ? 0n : BigInt(`0b${bits}`));
  }
  return steps;
}

export class ProofError extends Error {}

export async function prove(job: ProofJob): Promise<ProofResult> {
  const t0 = performance.now();
  const run = await runYowaspTool('yosys', ['-p', proofScript(job)], toTree(job.sources));
  const seconds = (performance.now() - t0) / 1000;
  const log = run.log;
  const proved = /SAT proof finished - no model found: SUCCESS!/.test(log) || /SAT temporal induction proof finished - no model found/.test(log);
  const failed = /SAT proof finished - model found: FAIL!/.test(log);
  if (run.failure || (!proved && !failed)) {
    const error = log.split('\n').find((l) => /ERROR/.test(l));
    throw new ProofError(`${job.name}: yosys did not finish the proof (${error ?? run.failure ?? 'no verdict in the log'})`);
  }
  const sizes = [...log.matchAll(/Solving problem with (\d+) variables and (\d+) clauses/g)].pop();
  return {
    name: job.name,
    proved,
    counterexample: proved ? [] : parseTrace(log),
    variables: sizes ? Number(sizes[1]) : 0,
    clauses: sizes ? Number(sizes[2]) : 0,
    seconds,
    log,
  };
}
