/**
 * Gate-level co-simulation on the CXXRTL back end: the netlist the synthesis
 * script of `circa build` makes (YoWASP yosys), with the iCE40 cell models of
 * the same package, compiled to WebAssembly and run against the reference
 * model. Then the same from the command line with a PATH that holds only
 * node (no verilator, iverilog or yosys): the synthesised netlist proven with
 * nothing installed.
 *
 * One small dense layer (6 -> 3, 1 lane: one SB_MAC16, LUTs, carries and
 * flip-flops of several kinds), so the cold compile stays short; the CLI run
 * takes the netlist and the WebAssembly program from the cache the first test
 * filled (same sources, same harness defines).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runNode } from './run-node.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { cosim } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { GATE_LEVEL_CXXRTL_SCRIPT, synthesisedRtl } from '../src/sim/netlist.ts';
import { netlistScript } from '../src/target/ice40/script.ts';

const CIRCA = resolve('bin/circa.mjs');
const SPEC = {
  kind: 'dense', name: 'gl_dense', inputs: 6, outputs: 3, lanes: 1,
  weights: { init: 'random', seed: 11 },
  input: { int: 1, frac: 6 }, activation: 'relu',
  output: { format: { int: 2, frac: 5 }, rounding: 'convergent', overflow: 'saturate' },
};
let work: string;
let specPath: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circa-gl-cxxrtl-'));
  specPath = join(work, 'spec.json');
  writeFileSync(specPath, JSON.stringify(SPEC));
});

describe('gate-level co-simulation on CXXRTL (WebAssembly)', () => {
  it('the synthesised netlist of a dense layer: bit-exact value for value, under stalls, and cycles == prediction', async () => {
    const dut = layerDut(loadLayerSpec(SPEC));
    const gl = await synthesisedRtl(dut.rtl);
    // the netlist came from the synthesis script circa build runs for the UP5K
    expect(gl.synthesisScript).toBe(netlistScript({ sources: dut.rtl.sources, top: dut.rtl.top, part: 'UP5K' }));
    expect(gl.cxxrtlScript).toBe(GATE_LEVEL_CXXRTL_SCRIPT);
    const net = gl.sources[1].text;
    expect(net).toMatch(/^\s*SB_MAC16\b/m);
    expect(net).toMatch(/^\s*SB_LUT4\b/m);
    // only the models of the cells the netlist uses
    expect(gl.sources[0].text).toMatch(/^module SB_MAC16\b/m);
    expect(gl.sources[0].text).not.toMatch(/^module SB_SPRAM256KA\b/m);
    const glDut = { ...dut, label: `${dut.label}_gl`, rtl: gl };

    const full = await cosim(glDut, { vectors: 24, seed: 3, simulator: 'cxxrtl', keepOutputs: true });
    expect(full.sim.simulator).toBe('cxxrtl');
    expect(full.outputs).toHaveLength(24);
    expect(full.outputs).toEqual(full.expected);
    expect(full.exact).toBe(24);
    expect(full.overflowGot).toBe(full.overflowExpected);
    // every vector's latency and period checked against the prediction as its stamps arrived
    expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
    expect(full.cycles.match).toBe(true);

    const stalled = await cosim(glDut, { vectors: 24, seed: 3, simulator: 'cxxrtl', validPct: 70, readyPct: 60, keepOutputs: true });
    expect(stalled.sim.cached).toBe(true);
    expect(stalled.mismatches).toEqual([]);
    expect(stalled.outputs).toEqual(stalled.expected);
    expect(stalled.overflowGot).toBe(stalled.overflowExpected);
  });

  it('circa sim --gate-level with a PATH holding only node: auto takes cxxrtl and passes', async () => {
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = await runNode(CIRCA, ['sim', specPath, '--gate-level', '--vectors', '24', '--seed', '3'], work, { PATH: bin });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/simulator: cxxrtl \(auto: no verilator on PATH/);
    expect(r.stdout).toMatch(/simulated: the synthesised netlist \(synth_ice40 -top gl_dense_top -device u -dsp, iCE40 cell models\)/);
    expect(r.stdout).toMatch(/full rate: +24\/24 vectors bit-exact/);
    expect(r.stdout).toMatch(/backpressure: +24\/24 vectors bit-exact/);
    expect(r.stdout).not.toMatch(/MISMATCH/);
    expect(r.stdout).toMatch(/^simulator: cxxrtl /m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('PASS');
  });
});
