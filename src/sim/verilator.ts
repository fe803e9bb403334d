/**
 * Verilator builds, cached by content hash: the same sources, harness, defines
 * and Verilator version give the same binary, so a second run does not recompile.
 */
import { createHash } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
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
    // The harness's defines go at the top of its own file, not into -CFLAGS,
    // so every object but the harness compiles with design-independent flags
    // and Verilator's runtime objects can be shared between builds (below).
    writeFileSync(join(work, b.harness), harnessPrologue(b.defines) + harnessText);
    writeFileSync(join(work, ADAPTER), adapterText);
    const { verilator: vFlags, make: makeVars } = splitMakeFlags(buildFlags(b));
    const obj = join(work, 'obj');
    onProgress?.(`verilating ${b.top} (${b.sources.length} files)`);
    const args = [
      '--cc', '--exe', ...vFlags,
      '--prefix', 'Vdut', '--top-module', b.top, '--Mdir', obj,
      '-CFLAGS', HARNESS_CFLAGS,
      ...files, join(work, b.harness),
      '-o', join(work, 'Vdut'),
    ];
    // Two steps, as Verilator's manual describes them (verilate, then make),
    // instead of --build: between them the runtime objects compiled by an
    // earlier build with the same flags are put in place, so make only
    // compiles the design and the harness. In a small design's build the
    // runtime (verilated.cpp, verilated_threads.cpp) is over half the
    // compiler's time.
    await runLogged('verilator', args, work, b.top);
    const runtime = runtimeObjects(obj, makeVars);
    const reused = runtime.restore();
    onProgress?.(`compiling ${b.top}${reused ? ' (Verilator runtime objects reused)' : ''}`);
    await runLogged('make', ['-C', obj, '-f', 'Vdut.mk', '-j', String(MAKE_JOBS), ...makeVars], work, b.top);
    runtime.save();
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

/** compiler flags of every C++ file of a build (the design's defines are in the harness file, harnessPrologue) */
const HARNESS_CFLAGS = '-O1';
/** make jobs for the compile step */
const MAKE_JOBS = 2;

/** The harness's compile-time defines as #define lines, put before its text. */
function harnessPrologue(defines: Record<string, number | string>): string {
  const lines = Object.entries(defines).map(([k, v]) => `#define ${k} ${v}\n`);
  return lines.length ? `// defines of this build (circa)\n${lines.join('')}` : '';
}

/** Verilator flags apart from the make variables given with -MAKEFLAGS (the compile step takes those). */
export function splitMakeFlags(flags: readonly string[]): { verilator: string[]; make: string[] } {
  const verilator: string[] = [];
  const make: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '-MAKEFLAGS' && i + 1 < flags.length) make.push(flags[++i]);
    else verilator.push(flags[i]);
  }
  return { verilator, make };
}

/**
 * Verilator's runtime objects (verilated.o, verilated_threads.o, and
 * verilated_vcd_c.o with --trace: the VM_GLOBAL lists of Vdut_classes.mk)
 * depend only on Verilator's version, the build's settings in
 * Vdut_classes.mk (VM_TRACE, VM_COVERAGE, ...), the compiler flags and the
 * make variables, never on the design. They are kept once per such key in
 * the cache (runtime-<key>/) and copied into a new build's object directory
 * after Verilator has written its makefiles, so make finds them newer than
 * their sources and the makefile and does not compile them again.
 */
export function runtimeObjects(obj: string, makeVars: readonly string[]): { restore(): boolean; save(): void } {
  const classes = readFileSync(join(obj, 'Vdut_classes.mk'), 'utf8');
  const settings = classes.split('\n').filter((l) => /^VM_[A-Z0-9_]+ = /.test(l));
  const names = [...classes.matchAll(/^VM_GLOBAL_(?:FAST|SLOW) \+= \\\n((?:\t\S+ \\\n)*)/gm)]
    .flatMap((m) => m[1].split('\n').map((l) => l.replace(/[\t \\]/g, '')).filter(Boolean));
  const key = createHash('sha256')
    .update(JSON.stringify({ version: verilatorVersion, settings, names, makeVars, cflags: HARNESS_CFLAGS, cxx: process.env.CXX ?? '' }))
    .digest('hex').slice(0, 24);
  const dir = join(cacheDir(), 'verilator', `runtime-${key}`);
  const files = names.map((n) => `${n}.o`);
  return {
    restore() {
      if (!files.length || !files.every((f) => existsSync(join(dir, f)))) return false;
      for (const f of files) copyFileSync(join(dir, f), join(obj, f));
      return true;
    },
    save() {
      if (!files.length || existsSync(dir) || !files.every((f) => existsSync(join(obj, f)))) return;
      const staging = mkdtempSync(join(cacheDir(), 'verilator', `tmp-runtime-${key}-`));
      const untrack = track(staging);
      try {
        for (const f of files) copyFileSync(join(obj, f), join(staging, f));
        renameSync(staging, dir);
      } catch {
        // another build saved them first
      } finally {
        rmSync(staging, { recursive: true, force: true });
        untrack();
      }
    },
  };
}

/** Run one step of a Verilator build in its own process group; a failure becomes a CircaError with the tool's error lines. */
async function runLogged(exe: string, args: string[], work: string, top: string): Promise<void> {
  // the compilers' temporary files go into the staging directory
  const running = runInGroup(exe, args, work, { ...process.env, TMPDIR: work });
  const untrackChild = trackChild(running.child);
  try {
    await running.done;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message?: string };
    const lines = `${err.stderr ?? ''}\n${err.stdout ?? ''}`.split('\n').filter((l) => /%Error|%Warning|error:/.test(l));
    throw new CircaError(`Verilator build of ${top} failed (${exe}):\n${lines.slice(0, 20).join('\n') || (err.message ?? String(e))}`);
  } finally {
    untrackChild();
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
