/**
 * Verilator builds, cached by content hash: the same sources, harness, defines
 * and Verilator version give the same binary, so a second run does not recompile.
 */
import { createHash } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CircaError } from '../errors.ts';
import { track, trackChild } from '../cleanup.ts';
import { buildOnce } from './build-lock.ts';
import type { SourceFile } from '../verilog/index.ts';

const run = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const HARNESS_DIR = join(REPO_ROOT, 'sim');

export function cacheDir(): string {
  return process.env.CIRCA_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'circa');
}

let verilatorVersion: string | undefined;
export async function requireVerilator(): Promise<string> {
  if (verilatorVersion) return verilatorVersion;
  try {
    const { stdout } = await run('verilator', ['--version']);
    verilatorVersion = stdout.trim();
    return verilatorVersion;
  } catch {
    throw new CircaError(
      'Verilator is not installed (no `verilator` on PATH). Install it with `apt-get install verilator` ' +
        '(or run `bash scripts/setup.sh`).',
    );
  }
}

export interface VerilatorBuild {
  sources: readonly SourceFile[];
  top: string;
  /** harness file name inside sim/ */
  harness: string;
  /** C preprocessor defines for the harness */
  defines: Record<string, number | string>;
  /** extra Verilator flags (a gate-level netlist with vendor cell models: warnings not fatal) */
  extraFlags?: readonly string[];
}

export interface BuiltBinary {
  binary: string;
  cached: boolean;
  seconds: number;
}

export async function buildVerilated(b: VerilatorBuild, onProgress?: (msg: string) => void): Promise<BuiltBinary> {
  const version = await requireVerilator();
  const harnessText = readFileSync(join(HARNESS_DIR, b.harness), 'utf8');
  const adapterText = readFileSync(join(HARNESS_DIR, ADAPTER), 'utf8');
  const h = createHash('sha256');
  h.update(JSON.stringify({ version, top: b.top, harness: b.harness, defines: b.defines, flags: buildFlags(b) }));
  h.update(harnessText).update('\0').update(adapterText);
  for (const s of b.sources) h.update(`\0${s.name}\0${s.text}`);
  const key = h.digest('hex').slice(0, 24);
  const finalDir = join(cacheDir(), 'verilator', key);
  const binary = join(finalDir, 'Vdut');
  const hit = () => (existsSync(binary) ? { binary, cached: true, seconds: 0 } : undefined);
  return buildOnce(join(cacheDir(), 'verilator', `lock-${key}`), hit, () => verilate(b, key, finalDir, binary, harnessText, adapterText, onProgress),
    () => onProgress?.(`waiting for another process building ${b.top} (same sources)`));
}

async function verilate(
  b: VerilatorBuild, key: string, finalDir: string, binary: string, harnessText: string, adapterText: string, onProgress?: (msg: string) => void,
): Promise<BuiltBinary> {
  const t0 = Date.now();
  mkdirSync(join(cacheDir(), 'verilator'), { recursive: true });
  const work = mkdtempSync(join(cacheDir(), 'verilator', `tmp-${key}-`));
  const untrack = track(work); // an interrupt removes the staging directory
  try {
    const files: string[] = [];
    for (const s of b.sources) {
      const p = join(work, s.name);
      writeFileSync(p, s.text);
      files.push(p);
    }
    writeFileSync(join(work, b.harness), harnessText);
    writeFileSync(join(work, ADAPTER), adapterText);
    const cflags = Object.entries(b.defines).map(([k, v]) => `-D${k}=${v}`).join(' ');
    onProgress?.(`verilating ${b.top} (${b.sources.length} files)`);
    const args = [
      '--cc', '--exe', '--build', ...buildFlags(b),
      '--prefix', 'Vdut', '--top-module', b.top, '--Mdir', join(work, 'obj'),
      '-CFLAGS', `${cflags} -O1`,
      ...files, join(work, b.harness),
      '-o', join(work, 'Vdut'),
    ];
    // its own process group, so an interrupt stops make and the compilers too;
    // the compilers' temporary files go into the staging directory
    const running = runInGroup('verilator', args, work, { ...process.env, TMPDIR: work });
    const untrackChild = trackChild(running.child);
    try {
      await running.done;
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string };
      const lines = `${err.stderr ?? ''}\n${err.stdout ?? ''}`.split('\n').filter((l) => /%Error|%Warning|error:/.test(l));
      throw new CircaError(`Verilator build of ${b.top} failed:\n${lines.slice(0, 20).join('\n') || ((e as { message?: string }).message ?? String(e))}`);
    } finally {
      untrackChild();
    }
    // Keep only the binary; the object directory is large.
    rmSync(join(work, 'obj'), { recursive: true, force: true });
    try {
      renameSync(work, finalDir);
    } catch {
      // another process finished the same build first: use theirs
      rmSync(work, { recursive: true, force: true });
    }
    return { binary, cached: false, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  } finally {
    untrack();
  }
}

/** the harnesses reach the design through this header (sim/dut_cxxrtl.h is the CXXRTL one) */
const ADAPTER = 'dut_verilator.h';

/**
 * Run a command as the leader of a new process group (so cleanupNow() in
 * src/cleanup.ts can kill it with everything it started), collecting its
 * output. `done` rejects with { stdout, stderr, message } on a non-zero exit.
 */
function runInGroup(exe: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(exe, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t.length + stdout.length > 1 << 24 ? '' : t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t.length + stderr.length > 1 << 24 ? '' : t));
  const done = new Promise<void>((resolvePromise, reject) => {
    child.on('error', (e) => reject(Object.assign(e, { stdout, stderr })));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject({ stdout, stderr, message: `${exe} ${signal ? `killed by ${signal}` : `exit status ${code}`}` });
    });
  });
  return { child, done };
}

const FLAGS = ['-O3', '--x-assign', 'fast', '--x-initial', 'fast', '--noassert', '-j', '2'];
/**
 * CIRCA_VERILATOR_NO_OPT=1 compiles the verilated C++ without optimisation:
 * about half the build time, a slower simulation. The default test suite sets
 * it (vitest.config.ts: its designs are built once and simulated briefly);
 * `circa sim` and the deep tier use the optimised build.
 */
export const NO_OPT_FLAGS: readonly string[] = ['-MAKEFLAGS', 'OPT_FAST=-O0', '-MAKEFLAGS', 'OPT_SLOW=-O0', '-MAKEFLAGS', 'OPT_GLOBAL=-O0'];
const noOptFlags = (): readonly string[] => (process.env.CIRCA_VERILATOR_NO_OPT === '1' ? NO_OPT_FLAGS : []);

/** Verilator's flags for a build: the fixed ones, no optimisation when asked (once), the build's own. */
function buildFlags(b: VerilatorBuild): string[] {
  const extra = b.extraFlags ?? [];
  const noOpt = extra.join(' ').includes(NO_OPT_FLAGS.join(' ')) ? [] : noOptFlags();
  return [...FLAGS, ...noOpt, ...extra];
}
