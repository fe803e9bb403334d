/**
 * `circa sim --simulator cxxrtl` keeps compile, simulation and host time
 * apart (issue 28, item 5): a fresh CXXRTL build reports its parts (yosys,
 * the runtime header, clang, its CPU), the header comes from the cache once
 * an installation has it (it is never rebuilt per design), and the host
 * side's CPU no longer holds the build's (the tools run in this process's
 * worker threads). A private cache with only the header copied in makes
 * the design's build fresh without precompiling the header again.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simTimeLines } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { cacheDir } from '../src/sim/verilator.ts';
import { loadLayerSpec } from '../src/layers/load.ts';

const shared = cacheDir();
const mine = mkdtempSync(join(tmpdir(), 'circa-cxxrtl-times-'));
afterAll(() => {
  if (process.env.CIRCA_CACHE_DIR === mine) delete process.env.CIRCA_CACHE_DIR;
  rmSync(mine, { recursive: true, force: true });
});

describe('CXXRTL build times, apart', { tags: ['tools'] }, () => {
  it('a fresh build reports its parts, the header cached; the host side excludes the build', { timeout: 1_800_000 }, async () => {
    // the header: from the installation's cache (a first run there builds it)
    const layer = loadLayerSpec({ kind: 'activation', name: 'times_act', n: 3, function: 'relu', input: { int: 2, frac: 5 }, output: { format: { int: 0, frac: 5 } } });
    await cosimLayer(layer, { vectors: 4, simulator: 'cxxrtl' });
    const pch = readdirSync(join(shared, 'cxxrtl')).filter((d) => d.startsWith('pch-'));
    expect(pch.length).toBeGreaterThan(0);
    for (const d of pch) cpSync(join(shared, 'cxxrtl', d), join(mine, 'cxxrtl', d), { recursive: true });
    process.env.CIRCA_CACHE_DIR = mine;
    const r = await cosimLayer(layer, { vectors: 4, simulator: 'cxxrtl' });
    expect(r.exact).toBe(4);
    expect(r.sim.cached).toBe(false);
    const ph = r.sim.buildPhases!;
    expect(ph).toBeDefined();
    expect(ph.headerCached).toBe(true);
    for (const v of [ph.translateSeconds, ph.compileSeconds, ph.cpuSeconds]) expect(v).toBeGreaterThan(0);
    // clang's CPU is in the build, not the host side's (which is a few vectors' packing and comparing)
    expect(r.sim.hostSeconds).toBeLessThan(ph.cpuSeconds / 4);
    const lines = simTimeLines([r], r);
    expect(lines[0]).toMatch(/^compile: +[\d.]+ s wall on cxxrtl \(yosys [\d.]+ s alongside the runtime header [\d.]+ s from the cache, then clang [\d.]+ s; [\d.]+ s CPU\)$/);
    expect(lines[1]).toMatch(/^simulation: +[\d,]+ cycles in [\d.]+ s wall, [\d.]+ s CPU \(cxxrtl\)$/);
    expect(lines[2]).toMatch(/^host side: +[\d.]+ s CPU/);
    // a second run: cached, no parts
    const again = await cosimLayer(layer, { vectors: 4, simulator: 'cxxrtl' });
    expect(again.sim.cached).toBe(true);
    expect(again.sim.buildPhases).toBeUndefined();
    expect(simTimeLines([again], again)[0]).toBe('compile:       cached (cxxrtl)');
    expect(existsSync(join(mine, 'cxxrtl'))).toBe(true);
  });
});
