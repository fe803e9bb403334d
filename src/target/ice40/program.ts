/**
 * Writing a bitstream to a board: `circa program` and `circa build --program`.
 * The programmer is openFPGALoader or iceprog, whichever is on PATH and
 * reaches the board (the board's `program` field gives each one's arguments
 * before the bitstream; see boards/*.json). Both write the board's SPI flash,
 * so the design survives a power cycle.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CircaError, CircaFlowError, CircaInputError } from '../../errors.ts';
import { kindOf } from '../../output.ts';
import type { Board } from './boards.ts';
import { findOnPath } from '../../which.ts';

export const PROGRAMMERS = ['openFPGALoader', 'iceprog'] as const;
export type Programmer = (typeof PROGRAMMERS)[number];

export const INSTALL_HINT =
  'Install one: Debian/Ubuntu `apt install openfpgaloader` or `apt install fpga-icestorm` (iceprog); ' +
  'macOS `brew install openfpgaloader`; Windows and others: the OSS CAD Suite, which has both.';

/** The iCE40 configuration sync word; icepack's .bin holds it near the start (after an optional comment). */
const SYNC = [0x7e, 0xaa, 0x99, 0x7e];

/** Refuse a file that is not an iCE40 bitstream (CircaInputError naming the argument). */
export function checkBitstream(path: string): string {
  const full = resolve(path);
  if (!existsSync(full)) throw new CircaInputError(`<bitstream> ${path}: no such file`);
  const s = statSync(full);
  if (!s.isFile()) throw new CircaInputError(`<bitstream> ${path}: is ${kindOf(s)}, not a file; give the .bin that icepack or circa build wrote`);
  const head = readFileSync(full).subarray(0, 4096);
  const found = head.findIndex((_, i) => SYNC.every((b, k) => head[i + k] === b));
  if (found < 0) throw new CircaInputError(`<bitstream> ${path}: not an iCE40 bitstream (no sync word 7EAA997E; give the .bin that icepack or circa build wrote)`);
  return full;
}

export interface ProgramPlan {
  tool: Programmer;
  /** the programmer's path on PATH */
  exe: string;
  args: string[];
}

/**
 * Which programmer to run, with which arguments. `tool` 'auto' takes the
 * first of openFPGALoader, iceprog that is on PATH and that the board names.
 */
export function programPlan(board: Board, bitstream: string, tool: Programmer | 'auto' = 'auto'): ProgramPlan {
  const reach = board.program ?? {};
  const usable = PROGRAMMERS.filter((t) => reach[t] !== undefined);
  const hint = reach.hint ? ` (${reach.hint})` : '';
  if (!usable.length) throw new CircaInputError(`--board ${board.name}: circa program knows no programmer for this board${hint}`);
  if (tool !== 'auto' && !usable.includes(tool)) {
    throw new CircaInputError(`--tool ${tool}: does not reach the ${board.name} as circa knows it; use ${usable.join(' or ')}${hint}`);
  }
  for (const t of tool === 'auto' ? usable : [tool]) {
    const exe = findOnPath(t);
    if (exe) return { tool: t, exe, args: [...reach[t]!, bitstream] };
  }
  const wanted = tool === 'auto' ? usable : [tool];
  throw new CircaFlowError(
    `programming the ${board.name} needs ${wanted.join(' or ')} on PATH, and ${wanted.length === 1 ? 'it is' : 'neither is'} there. ${INSTALL_HINT}`,
  );
}

/** Run the programmer; its output goes to `log` (stderr by default). CircaFlowError with its last lines when it fails. */
export function runProgrammer(plan: ProgramPlan, log: (text: string) => void = (t) => process.stderr.write(t)): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(plan.exe, plan.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const take = (d: Buffer) => {
      const text = d.toString('utf8');
      tail = (tail + text).slice(-2000);
      log(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new CircaError(`${plan.tool}: could not start it: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else {
        const last = tail.trim().split('\n').slice(-5).join('\n  ');
        reject(new CircaFlowError(`${plan.tool} failed (${signal ? `signal ${signal}` : `exit ${code}`})${last ? `:\n  ${last}` : ''}`));
      }
    });
  });
}
