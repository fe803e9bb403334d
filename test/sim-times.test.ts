/**
 * `circa sim`'s time lines (issue 28, item 5): compile, simulation and host
 * side apart, a fresh CXXRTL build with its parts (test/cxxrtl-times.deep.test.ts
 * measures a real one).
 */
import { describe, expect, it } from 'vitest';
import { simTimeLines, type CosimReport } from '../src/sim/cosim.ts';

const report = (sim: Partial<CosimReport['sim']>): CosimReport => ({
  sim: { buildSeconds: 0, cached: true, runSeconds: 0.5, simSeconds: 0.4, totalCycles: 190_972, simulator: 'cxxrtl', hostSeconds: 0.01, ...sim },
} as CosimReport);

describe('circa sim: compile, simulation and host time apart', () => {
  it('a fresh CXXRTL build names its parts; the host side is its own line', () => {
    const r = report({ cached: false, buildSeconds: 40.2, buildPhases: { translateSeconds: 2.1, headerSeconds: 21.5, headerCached: false, compileSeconds: 18.0, cpuSeconds: 41.7 } });
    expect(simTimeLines([r, report({})], r)).toEqual([
      'compile:       40.2 s wall on cxxrtl (yosys 2.1 s alongside the runtime header 21.5 s, precompiled once per installation, then clang 18.0 s; 41.7 s CPU)',
      'simulation:    381,944 cycles in 1.00 s wall, 0.80 s CPU (cxxrtl)',
      'host side:     0.02 s CPU (vectors, reference model, comparison; not the compile or the simulator)',
    ]);
  });
  it('a cached header and a cached build say so', () => {
    const r = report({ cached: false, buildSeconds: 20, buildPhases: { translateSeconds: 2, headerSeconds: 0.1, headerCached: true, compileSeconds: 18, cpuSeconds: 19 } });
    expect(simTimeLines([r], r)[0]).toMatch(/the runtime header 0\.1 s from the cache, then clang 18\.0 s/);
    expect(simTimeLines([report({})], report({}))[0]).toBe('compile:       cached (cxxrtl)');
    const v = report({ simulator: 'verilator', cached: false, buildSeconds: 36.4 });
    expect(simTimeLines([v], v)[0]).toBe('compile:       36.4 s wall on verilator');
  });
});
