/**
 * `circa sweep --synth`: every point built for real (yosys -> nextpnr-ice40
 * -> icepack, the board top included, as `circa build` does) in a pool of
 * worker threads. Builds are cached by a content hash of everything that
 * decides the result (sources, top, PCF, part, package, clock, toolchain,
 * seed, circa's version) in <cacheDir()>/builds, the cache directory of the
 * Verilator builds (src/sim/verilator.ts), so a repeated sweep, or an
 * overlapping one, builds only what is new.
 */
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../sim/verilator.ts';
import { boardDesign } from '../network/board.ts';
import { packageVersion, type SourceFile } from '../verilog/index.ts';
import type { Board } from '../target/index.ts';
import type { FlowReport, Toolchain } from '../flow/index.ts';
import { designOfSpec } from './sweep.ts';

export interface BuildJob {
  id: number;
  sources: SourceFile[];
  top: string;
  pcf: string;
  board: Board;
  toolchain: Toolchain;
  seed: number;
}

export type BuildAnswer = { id: number; report: FlowReport } | { id: number; error: string };

export interface SynthOptions {
  board: Board;
  toolchain: Toolchain;
  seed?: number;
  /** worker threads */
  jobs: number;
  /** called after every finished point: done, total, cached so far, failed so far */
  onProgress?: (done: number, total: number, cached: number, failed: number) => void;
}

/** The cache key of a build. */
export function buildKey(job: Omit<BuildJob, 'id'>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({
    v: 1,
    circa: packageVersion(),
    toolchain: job.toolchain,
    seed: job.seed,
    part: job.board.part,
    package: job.board.package,
    clock: job.board.clock.mhz,
    top: job.top,
    pcf: job.pcf,
  }));
  for (const s of job.sources) h.update(`\0${s.name}\0${s.text}`);
  return h.digest('hex').slice(0, 32);
}

export function buildCacheDir(): string {
  return join(cacheDir(), 'builds');
}

function readCache(key: string): FlowReport | { error: string } | undefined {
  const path = join(buildCacheDir(), `${key}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as FlowReport | { error: string };
  } catch {
    return undefined; // a torn file: build again
  }
}

function writeCache(key: string, value: FlowReport | { error: string }): void {
  mkdirSync(buildCacheDir(), { recursive: true });
  const tmp = join(buildCacheDir(), `.${key}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, join(buildCacheDir(), `${key}.json`));
}

/**
 * Build every spec (index -> spec); returns index -> report (or error).
 * Builds the tools refuse (a design that does not fit, an ERROR line) are
 * cached too: the same inputs fail the same way.
 */
export async function synthPoints(specs: Map<number, unknown>, opts: SynthOptions): Promise<Map<number, FlowReport | { error: string }>> {
  const seed = opts.seed ?? 1;
  const results = new Map<number, FlowReport | { error: string }>();
  const pending: (BuildJob & { key: string })[] = [];
  let cached = 0;
  let failed = 0;
  for (const [index, spec] of specs) {
    const design = designOfSpec(spec);
    const bd = boardDesign(design.rtl(), opts.board);
    const job = { sources: bd.sources, top: bd.top, pcf: bd.pcf, board: opts.board, toolchain: opts.toolchain, seed };
    const key = buildKey(job);
    const hit = readCache(key);
    if (hit) {
      results.set(index, hit);
      cached++;
      if ('error' in hit) failed++;
    } else {
      pending.push({ ...job, id: index, key });
    }
  }
  const total = specs.size;
  opts.onProgress?.(results.size, total, cached, failed);
  if (!pending.length) return results;

  const nWorkers = Math.max(1, Math.min(opts.jobs, pending.length));
  // From dist/ the compiled worker runs as it is; from the sources, sweep-worker.mjs registers tsx first.
  const workerUrl = new URL(import.meta.url.endsWith('.js') ? './sweep-worker.js' : './sweep-worker.mjs', import.meta.url);
  const workers = Array.from({ length: nWorkers }, () => new Worker(workerUrl));
  try {
    await new Promise<void>((resolvePool, rejectPool) => {
      let next = 0;
      let running = 0;
      const keyOf = new Map(pending.map((j) => [j.id, j.key]));
      const feed = (w: Worker) => {
        if (next >= pending.length) {
          if (running === 0) resolvePool();
          return;
        }
        const { key: _k, ...job } = pending[next++];
        running++;
        w.postMessage(job);
      };
      for (const w of workers) {
        w.on('message', (a: BuildAnswer) => {
          running--;
          const value = 'report' in a ? a.report : { error: a.error };
          if ('error' in value) failed++;
          results.set(a.id, value);
          // a tool's own verdict (ERROR lines: too big, syntax) is as reproducible as a success;
          // anything else (a tool missing, a crash) is not cached
          if (!('error' in value) || /\bERROR\b/.test(value.error)) writeCache(keyOf.get(a.id)!, value);
          opts.onProgress?.(results.size, total, cached, failed);
          feed(w);
        });
        w.on('error', (e) => rejectPool(e));
        w.on('exit', (code) => {
          if (code !== 0 && results.size < total) rejectPool(new Error(`a synthesis worker exited with code ${code}`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** A progress bar on stderr: redrawn in place on a terminal, one line per point otherwise. */
export function progressBar(enabled: boolean): (done: number, total: number, cached: number, failed: number) => void {
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  let last = -1;
  return (done, total, cached, failed) => {
    if (!enabled || done === last) return;
    last = done;
    const width = 24;
    const fill = total ? Math.round((width * done) / total) : width;
    const bar = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} built (${cached} cached${failed ? `, ${failed} failed` : ''}) ${((Date.now() - t0) / 1000).toFixed(0)} s`;
    if (tty) process.stderr.write(`\r${bar}${done === total ? '\n' : ''}`);
    else process.stderr.write(`${bar}\n`);
  };
}
