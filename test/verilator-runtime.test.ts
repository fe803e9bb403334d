/**
 * Verilator builds share the runtime objects (src/sim/verilator.ts,
 * runtimeObjects): the first build in an empty cache compiles verilated.cpp
 * and verilated_threads.cpp and keeps their objects; a build of another
 * design with the same flags puts them in place and compiles only its own
 * files. Both designs must still co-simulate bit-exactly with cycles as
 * predicted, and a build with other settings (--trace) keeps its own.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLayerSpec } from '../src/layers/load.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { splitMakeFlags } from '../src/sim/verilator.ts';

describe('Verilator runtime objects', () => {
  it('the -MAKEFLAGS pairs go to make, every other flag to verilator', () => {
    expect(splitMakeFlags(['-O3', '-MAKEFLAGS', 'OPT_FAST=-O0', '--trace', '-MAKEFLAGS', 'OPT_SLOW=-O0', '-j', '2'])).toEqual({
      verilator: ['-O3', '--trace', '-j', '2'],
      make: ['OPT_FAST=-O0', 'OPT_SLOW=-O0'],
    });
  });

  const saved = process.env.CIRCA_CACHE_DIR;
  const cache = mkdtempSync(join(tmpdir(), 'circa-vrt-'));
  afterAll(() => {
    if (saved === undefined) delete process.env.CIRCA_CACHE_DIR;
    else process.env.CIRCA_CACHE_DIR = saved;
    rmSync(cache, { recursive: true, force: true });
  });

  it('are compiled once and reused by the next design; both designs stay bit-exact with cycles as predicted', { tags: ['tools'] }, async () => {
    process.env.CIRCA_CACHE_DIR = cache;
    const dense = (name: string, inputs: number, outputs: number) => loadLayerSpec({
      kind: 'dense', name, inputs, outputs, lanes: 2, input: { int: 1, frac: 6 },
      weights: { format: { int: 0, frac: 7 }, init: 'random', seed: inputs }, output: { format: { int: 3, frac: 4 } },
    });
    const messages: string[][] = [];
    for (const layer of [dense('rt_a', 12, 5), dense('rt_b', 9, 4)]) {
      const seen: string[] = [];
      const r = await cosimLayer(layer, { vectors: 25, seed: 2, validPct: 80, readyPct: 70, simulator: 'verilator', onProgress: (m) => seen.push(m) });
      expect(r.mismatches.map(formatMismatch)).toEqual([]);
      expect(r.exact).toBe(25);
      const full = await cosimLayer(layer, { vectors: 10, seed: 3, simulator: 'verilator' });
      expect(full.cycles.match).toBe(true);
      messages.push(seen);
    }
    const runtimes = readdirSync(join(cache, 'verilator')).filter((d) => d.startsWith('runtime-'));
    expect(runtimes).toHaveLength(1);
    expect(readdirSync(join(cache, 'verilator', runtimes[0])).sort()).toEqual(['verilated.o', 'verilated_threads.o']);
    expect(messages[0].filter((m) => m.startsWith('compiling '))).toEqual(['compiling rt_a_top']);
    expect(messages[1].filter((m) => m.startsWith('compiling '))).toEqual(['compiling rt_b_top (Verilator runtime objects reused)']);
  });
});
