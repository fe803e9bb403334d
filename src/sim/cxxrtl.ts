/**
 * The CXXRTL back end: the design as C++ (YoWASP yosys `write_cxxrtl`),
 * compiled with the same harness source as Verilator (sim/*_harness.cpp with
 * sim/dut_cxxrtl.h) to WebAssembly by YoWASP clang, and run under node:wasi.
 * Nothing to install: both tools are npm packages.
 *
 * Builds are cached by content hash (sources, harness, adapter, defines,
 * flags, yosys version (it ships the CXXRTL runtime) and clang version) in the same cache
 * directory as the Verilator builds. A build is written into a staging
 * directory and renamed into place only when complete, so an interrupted or
 * failed compile leaves nothing a later run trusts.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CircaError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';
import { cacheDir, HARNESS_DIR } from './verilator.ts';
import { buildOnce } from './build-lock.ts';
import { runYowaspTool, type Tree as YowaspTree } from '../flow/yowasp.ts';
import { injectRoms, LIFT_MIN_WORDS, liftRoms, type LiftedRom } from './cxxrtl-rom.ts';

type Tree = { [name: string]: Tree | string | Uint8Array };
type Output = ((b: Uint8Array | null) => void) | null;
type Command = (args: string[], files: Tree, options?: { stdout?: Output; stderr?: Output; fetchProgress?: () => void }) => Promise<Tree | undefined>;

/**
 * clang's optimisation level. Measured here on tvscm-784 (CPU seconds, a
 * loaded 2-core machine): the simulator ran 494,000 cycles in 0.34-0.42 s at
 * -O2 against 0.54-0.66 s at -O1, for a compile of about 31 s of CPU at -O2
 * (with the precompiled runtime headers). Speed wins: -O2 by default,
 * CIRCA_CXXRTL_OPT to change it.
 */
export const CLANG_OPT = process.env.CIRCA_CXXRTL_OPT ?? '-O2';

export interface CxxrtlBuild {
  sources: readonly SourceFile[];
  top: string;
  /** harness file name inside sim/ */
  harness: string;
  defines: Record<string, number | string>;
  /** build the VCD-writing variant of the harness */
  trace?: boolean;
  /** the yosys passes after reading, ending in `write_cxxrtl ... dut.cc` (default YOSYS_SCRIPT below; a gate-level netlist brings its own, src/sim/netlist.ts) */
  script?: string;
}

export interface BuiltWasm {
  wasm: string;
  cached: boolean;
  seconds: number;
  /** where a build's time went (absent on a cache hit) */
  phases?: BuildPhases;
}

/**
 * A CXXRTL build's parts, wall seconds. The translation (yosys) and the
 * runtime header's precompile (clang, once per installation: cached by tool
 * versions and flags, never per design) run side by side in two workers; the
 * design's compile (clang) follows both. `cpuSeconds` is this process's CPU
 * over the build (the tools run in its worker threads), so a report can keep
 * it apart from the host's own work.
 */
export interface BuildPhases {
  translateSeconds: number;
  headerSeconds: number;
  /** the header came from the cache (headerSeconds is then only its read) */
  headerCached: boolean;
  compileSeconds: number;
  cpuSeconds: number;
}

let tools: { runYosys: Command; runClang: Command; runtime: Tree } | undefined;

/**
 * A YoWASP tool run in a worker thread with a stack of its own
 * (src/flow/yowasp.ts): its log goes to the caller's stdout sink in one
 * piece, and a failure throws with the worker's description.
 */
const inWorker = (tool: 'yosys' | 'clang'): Command => async (args, files, options) => {
  const r = await runYowaspTool(tool, args, files as YowaspTree);
  if (r.log) options?.stdout?.(new TextEncoder().encode(r.log));
  if (r.failure) throw new Error(r.failure);
  return r.tree as Tree | undefined;
};

async function loadTools() {
  if (tools) return tools;
  // the CXXRTL runtime headers ship inside the YoWASP yosys package's file tree
  const res = (await import(new URL('./resources-yosys.js', import.meta.resolve('@yowasp/yosys')).href)) as { filesystem: Tree };
  const runtime = ((((res.filesystem.share as Tree).include as Tree).backends as Tree).cxxrtl as Tree).runtime as Tree;
  tools = { runYosys: inWorker('yosys'), runClang: inWorker('clang'), runtime };
  return tools;
}

/**
 * The tool versions, from the packages' package.json files: cheap, so a cache
 * hit loads neither tool (the CXXRTL runtime headers are part of the yosys
 * package, so its version covers them).
 */
function toolVersions(): { yosys: string; clang: string } {
  const pkg = (name: string) =>
    (JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve(name)), 'utf8')) as { version: string }).version;
  return { yosys: pkg('@yowasp/yosys'), clang: pkg('@yowasp/clang') };
}

const asText = (v: Tree[string] | undefined) => (v === undefined ? undefined : typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : undefined);

/** Where the logs of failed CXXRTL builds and runs are kept. */
export function cxxrtlLogDir(): string {
  return join(cacheDir(), 'cxxrtl', 'logs');
}

function writeLog(name: string, text: string): string {
  mkdirSync(cxxrtlLogDir(), { recursive: true });
  const path = join(cxxrtlLogDir(), `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  writeFileSync(path, text);
  return path;
}

const shortPath = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));

/** Compile (or take from the cache) the harness + design as a WebAssembly program. */
export async function buildCxxrtl(b: CxxrtlBuild, onProgress?: (msg: string) => void): Promise<BuiltWasm> {
  const versions = toolVersions();
  const harnessText = readFileSync(join(HARNESS_DIR, b.harness), 'utf8');
  const adapterText = readFileSync(join(HARNESS_DIR, 'dut_cxxrtl.h'), 'utf8');
  const defines: Record<string, number | string> = { ...b.defines, CIRCA_CXXRTL: 1, ...(b.trace ? { TRACE: 1 } : {}) };
  // large ROM contents bypass yosys (src/sim/cxxrtl-rom.ts); a design with none keeps the key it had before
  const lifted = liftRoms(b.sources);
  const h = createHash('sha256');
  h.update(JSON.stringify({
    ...versions, flags: CLANG_FLAGS, pch: PCH_HEADER, top: b.top, harness: b.harness, defines, yosysScript: b.script ?? YOSYS_SCRIPT,
    ...(lifted.roms.length > 0 ? { romLift: { version: 1, minWords: LIFT_MIN_WORDS } } : {}),
  }));
  h.update(harnessText).update('\0').update(adapterText);
  for (const s of b.sources) h.update(`\0${s.name}\0${s.text}`);
  const key = h.digest('hex').slice(0, 24);
  const root = join(cacheDir(), 'cxxrtl');
  const finalDir = join(root, key);
  const wasm = join(finalDir, 'dut.wasm');
  const hit = () => (existsSync(wasm) ? { wasm, cached: true, seconds: 0 } : undefined);
  return buildOnce(join(root, `lock-${key}`), hit, () => compileCxxrtl({ ...b, sources: lifted.sources }, lifted.roms, key, root, finalDir, wasm, defines, harnessText, adapterText, onProgress),
    () => onProgress?.(`CXXRTL: waiting for another process compiling ${b.top} (same sources)`));
}

async function compileCxxrtl(
  b: CxxrtlBuild, roms: readonly LiftedRom[], key: string, root: string, finalDir: string, wasm: string, defines: Record<string, number | string>,
  harnessText: string, adapterText: string, onProgress?: (msg: string) => void,
): Promise<BuiltWasm> {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const t = await loadTools();
  // the runtime header (cached once per installation) is precompiled while yosys translates the design
  const header = timedHeader(t, onProgress);
  header.catch(() => {}); // awaited below; a translation failure must not leave it unhandled
  const files: Tree = Object.fromEntries(b.sources.map((s) => [s.name, s.text]));
  const reads = b.sources.filter((s) => /\.s?v$/.test(s.name)).map((s) => s.name).join(' ');
  onProgress?.(`CXXRTL: translating ${b.top} to C++ (YoWASP yosys write_cxxrtl)${roms.length > 0
    ? `; the contents of ${roms.map((r) => `${r.file} (${r.depth} words)`).join(', ')} go straight to the C++ (src/sim/cxxrtl-rom.ts)` : ''}`);
  let log = '';
  const collect = (bytes: Uint8Array | null) => { if (bytes) log += new TextDecoder().decode(bytes); };
  let out: Tree | undefined;
  try {
    out = await t.runYosys(['-q', '-p', `read_verilog -nosynthesis ${reads}; hierarchy -top ${b.top}; ${b.script ?? YOSYS_SCRIPT}`], files, { stdout: collect, stderr: collect });
  } catch (e) {
    const path = writeLog(`yosys-${b.top}`, `${log}\n${String(e)}\n`);
    const errs = log.split('\n').filter((l) => /ERROR/.test(l));
    throw new CircaError(`CXXRTL: yosys could not translate ${b.top}: ${errs[0] ?? String(e)} (log: ${shortPath(path)})`);
  }
  const written = asText(out?.['dut.cc']);
  if (!written) throw new CircaError(`CXXRTL: yosys wrote no C++ for ${b.top} (log: ${shortPath(writeLog(`yosys-${b.top}`, log))})`);
  const cc = injectRoms(written, roms);
  // the top module's class, e.g. p_tvscm__784__top (write_cxxrtl's name mangling)
  const structs = [...cc.matchAll(/^struct (p_\w+) : public module \{/gm)].map((m) => m[1]);
  if (structs.length !== 1) throw new CircaError(`CXXRTL: expected one flattened module in yosys's output for ${b.top}, found ${structs.length}`);
  defines.DUT_TOP = structs[0];
  const translateSeconds = (Date.now() - t0) / 1000;

  const { pch, seconds: headerSeconds, cached: headerCached } = await header;
  const t1 = Date.now();
  onProgress?.(`CXXRTL: compiling ${b.top} to WebAssembly (YoWASP clang++ ${CLANG_OPT}; cached afterwards)`);
  const clangFiles: Tree = { 'harness.cpp': harnessText, 'dut_cxxrtl.h': adapterText, 'dut.cc': cc, ...t.runtime, 'circa_pch.h': PCH_HEADER, [PCH_NAME]: pch };
  const args = [
    'clang++', ...CLANG_FLAGS, '-include-pch', PCH_NAME,
    ...Object.entries(defines).map(([k, v]) => `-D${k}=${v}`),
    // CXXRTL's eval of a flattened design keeps many temporaries: give it stack
    '-Wl,-z,stack-size=8388608',
    'harness.cpp', '-o', 'dut.wasm',
  ];
  log = `clang++ ${args.slice(1).join(' ')}\n`;
  let built: Tree | undefined;
  try {
    built = await t.runClang(args, clangFiles, { stdout: collect, stderr: collect });
  } catch (e) {
    const path = writeLog(`clang-${b.top}`, `${log}\n${String(e)}\n`);
    const errs = log.split('\n').filter((l) => /error:/.test(l));
    throw new CircaError(`CXXRTL: clang++ could not compile ${b.top}: ${errs[0] ?? String(e).split('\n')[0]} (log: ${shortPath(path)})`);
  }
  const bin = built?.['dut.wasm'];
  if (!(bin instanceof Uint8Array)) {
    throw new CircaError(`CXXRTL: clang++ wrote no program for ${b.top} (log: ${shortPath(writeLog(`clang-${b.top}`, log))})`);
  }
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, `tmp-${key}-`));
  try {
    writeFileSync(join(work, 'dut.wasm'), bin);
    try {
      renameSync(work, finalDir);
    } catch {
      // another process finished the same build first: use theirs
      rmSync(work, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  const cpu = process.cpuUsage(cpu0);
  const phases = { translateSeconds, headerSeconds, headerCached, compileSeconds: (Date.now() - t1) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  return { wasm, cached: false, seconds: (Date.now() - t0) / 1000, phases };
}

/** The precompiled runtime header, with how long it took to get and whether it came from the cache. */
async function timedHeader(t: Awaited<ReturnType<typeof loadTools>>, onProgress?: (msg: string) => void): Promise<{ pch: Uint8Array; seconds: number; cached: boolean }> {
  const t0 = Date.now();
  let cached = true;
  const pch = await precompiledHeader(t, onProgress, () => { cached = false; });
  return { pch, seconds: (Date.now() - t0) / 1000, cached };
}

const YOSYS_SCRIPT = 'proc; flatten; write_cxxrtl dut.cc';

// NDEBUG: CXXRTL asserts on a memory read past the end of the array (the
// program aborts); Verilog reads X there and Verilator 0, and a design may
// read past the end where it does not use the value (a prefetch). Found on a
// diag-circulant configuration by test/sim-backends.test.ts.
const CLANG_FLAGS = [CLANG_OPT, '-DNDEBUG', '-std=c++17', '-fno-exceptions', '-I.', '-w'];

/**
 * The CXXRTL runtime and the C++ library headers, precompiled once per clang
 * version, runtime and flags: parsing them is about half of a small design's
 * compile in WebAssembly clang (measured: tvscm-784 37 s of CPU without,
 * 17 s with, plus 20 s once for the header).
 */
const PCH_NAME = 'circa_pch.h.pch';
const PCH_HEADER = ['cxxrtl/cxxrtl.h', 'cxxrtl/cxxrtl_vcd.h', 'cstdint', 'cstdio', 'cstdlib', 'cstring', 'string', 'vector']
  .map((h) => `#include <${h}>\n`).join('');

async function precompiledHeader(t: Awaited<ReturnType<typeof loadTools>>, onProgress?: (msg: string) => void, onCompile?: () => void): Promise<Uint8Array> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ ...toolVersions(), flags: CLANG_FLAGS, header: PCH_HEADER }));
  const key = h.digest('hex').slice(0, 24);
  const root = join(cacheDir(), 'cxxrtl');
  const finalDir = join(root, `pch-${key}`);
  const path = join(finalDir, PCH_NAME);
  const hit = () => (existsSync(path) ? readFileSync(path) : undefined);
  return buildOnce(join(root, `lock-pch-${key}`), hit, () => { onCompile?.(); return compileHeader(t, key, root, finalDir, onProgress); },
    () => onProgress?.('CXXRTL: waiting for another process precompiling the runtime headers'));
}

async function compileHeader(t: Awaited<ReturnType<typeof loadTools>>, key: string, root: string, finalDir: string, onProgress?: (msg: string) => void): Promise<Uint8Array> {
  onProgress?.(`CXXRTL: precompiling the CXXRTL runtime headers (once per installation: cached by clang version and flags)`);
  let log = '';
  const collect = (bytes: Uint8Array | null) => { if (bytes) log += new TextDecoder().decode(bytes); };
  let out: Tree | undefined;
  try {
    out = await t.runClang(['clang++', ...CLANG_FLAGS, '-x', 'c++-header', 'circa_pch.h', '-o', PCH_NAME], { ...t.runtime, 'circa_pch.h': PCH_HEADER }, { stdout: collect, stderr: collect });
  } catch (e) {
    const kept = writeLog('clang-pch', `${log}\n${String(e)}\n`);
    throw new CircaError(`CXXRTL: clang++ could not precompile the CXXRTL runtime: ${log.split('\n').find((l) => /error:/.test(l)) ?? String(e).split('\n')[0]} (log: ${shortPath(kept)})`);
  }
  const pch = out?.[PCH_NAME];
  if (!(pch instanceof Uint8Array)) throw new CircaError(`CXXRTL: clang++ wrote no precompiled header (log: ${shortPath(writeLog('clang-pch', log))})`);
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, `tmp-pch-${key}-`));
  writeFileSync(join(work, PCH_NAME), pch);
  try {
    renameSync(work, finalDir);
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
  return pch;
}


let wasiClass: typeof import('node:wasi').WASI | undefined;
/** node:wasi, loaded without its one-time ExperimentalWarning (it is stable enough for a harness that only reads and writes files) */
async function loadWasi() {
  if (wasiClass) return wasiClass;
  const emit = process.emitWarning;
  process.emitWarning = ((w: string | Error, ...rest: unknown[]) => {
    if (!String(typeof w === 'string' ? w : w.message).includes('WASI')) (emit as (...a: unknown[]) => void).call(process, w, ...rest);
  }) as typeof process.emitWarning;
  try {
    wasiClass = (await import('node:wasi')).WASI;
  } finally {
    process.emitWarning = emit;
  }
  return wasiClass;
}

/**
 * Run a compiled harness under WASI. `dir` is mounted as /sim inside (a path of the WASI sandbox only), and
 * arguments given as `{ file }` name files in it. The program's stdout and
 * stderr go to a log; a non-zero exit or a trap becomes one CircaError naming
 * the log (never a WebAssembly stack trace).
 */
export async function runWasm(wasmPath: string, dir: string, args: readonly (string | { file: string })[], label: string): Promise<void> {
  // compiled afresh for every run (about 10 ms for a 1 MB program): test workers that reused one compiled
  // module across runs died of SIGSEGV in three of three deep runs at the same point; one run without the reuse passed it
  const mod = await WebAssembly.compile(readFileSync(wasmPath));
  const WASI = await loadWasi();
  const logPath = join(dir, 'harness.log');
  const fd = openSync(logPath, 'w');
  let code: number;
  let trap: unknown;
  try {
    const wasi = new WASI({
      version: 'preview1',
      args: ['harness', ...args.map((a) => (typeof a === 'string' ? a : `/sim/${a.file}`))],
      env: {},
      preopens: { '/sim': dir },
      stdout: fd,
      stderr: fd,
      returnOnExit: true,
    });
    const instance = await WebAssembly.instantiate(mod, wasi.getImportObject() as WebAssembly.Imports);
    try {
      code = wasi.start(instance);
    } catch (e) {
      trap = e;
      code = -1;
    }
  } finally {
    closeSync(fd);
  }
  if (code !== 0) {
    const text = readFileSync(logPath, 'utf8');
    const kept = writeLog(`run-${label}`, `${text}${trap ? `\n${String((trap as Error).stack ?? trap)}\n` : ''}`);
    const first = text.split('\n').find((l) => l.trim()) ?? '';
    const what = trap ? `the WebAssembly program trapped (${(trap as Error).message ?? String(trap)})${first ? `: ${first}` : ''}` : first || `exit code ${code}`;
    throw new CircaError(`CXXRTL simulation of ${label} failed: ${what} (log: ${shortPath(kept)})`);
  }
}
