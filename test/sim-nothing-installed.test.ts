/**
 * `circa sim` with nothing installed but Node: a PATH holding only node's
 * directory (no verilator, iverilog, yosys, g++ or make) takes the CXXRTL back
 * end by itself and passes. Also the waveforms from both back ends, the VCD
 * written automatically for a mismatch, and the failure messages of the
 * WebAssembly harness (one line with the log path, no WebAssembly stack).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runNode } from './run-node.ts';
import { randomSpecs } from './backends.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { cosim } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { simulateStream } from '../src/sim/stream.ts';
import { CircaError } from '../src/errors.ts';

const CIRCA = resolve('bin/circa.mjs');
// the same small design as test/sim-backends-activation.deep.test.ts's first activation configuration (one cache entry for both)
const SPEC = randomSpecs('activation', 1, 12)[0];
let work: string;
let specPath: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circa-nothing-'));
  specPath = join(work, 'spec.json');
  writeFileSync(specPath, JSON.stringify(SPEC));
});

const vcdTimes = (text: string) => [...text.matchAll(/^#(\d+)$/gm)].map((m) => Number(m[1]));

describe('circa sim with nothing installed', () => {
  it('a PATH with only node: auto takes cxxrtl, says so, and passes', async () => {
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = await runNode(CIRCA, ['sim', specPath, '--vectors', '16'], work, { PATH: bin });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/simulator: cxxrtl \(auto: no verilator on PATH/);
    expect(r.stdout).toMatch(/simulator: cxxrtl \(auto: no verilator on PATH/);
    expect(r.stdout).toMatch(/full rate: +16\/16 vectors bit-exact/);
    expect(r.stdout).toMatch(/backpressure: +16\/16 vectors bit-exact/);
    expect(r.stdout).toMatch(/on cxxrtl/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('PASS');
  });

  it('--simulator with a bad value exits 2 naming the option', async () => {
    const r = await runNode(CIRCA, ['sim', specPath, '--simulator', 'icarus'], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--simulator/);
  });

  it('--vcd writes the same vector\'s waveform from both back ends', async () => {
    const files: Record<string, string> = {};
    for (const sim of ['verilator', 'cxxrtl']) {
      const vcd = join(work, `w-${sim}.vcd`);
      const r = await runNode(CIRCA, ['sim', specPath, '--vectors', '5', '--no-backpressure', '--simulator', sim, '--vcd', vcd, '--vector', '2'], work);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`waveform of vector 2 (full rate): ${vcd}`);
      files[sim] = readFileSync(vcd, 'utf8');
    }
    for (const text of Object.values(files)) {
      expect(text).toMatch(/\$timescale/);
      expect(text).toMatch(/\$var wire\s+1 \S+ s_valid( \[0\])? \$end/);
      expect(text).toMatch(/\$var wire\s+8 \S+ m_data( \[7:0\])? \$end/);
      expect(text).toMatch(/\$enddefinitions/);
    }
    // the window opens at the same cycle on both (10 time units per cycle)
    const [tv, tc] = [vcdTimes(files.verilator), vcdTimes(files.cxxrtl)];
    expect(tv[0]).toBe(tc[0]);
    expect(tv[0] % 10).toBe(0);
    expect(tv.at(-1)).toBe(tc.at(-1));
  });

  it('a mismatch writes the failing vector\'s VCD and gives the cycle of the first wrong output', async () => {
    const dut = layerDut(loadLayerSpec(SPEC));
    // a reference that is wrong for output 3 of vector 2: the RTL is right, so the comparison fails there
    const wrong = { ...dut, reference: (x: readonly number[]) => {
      const r = dut.reference(x);
      return x === inputs[2].x ? { ...r, y: r.y.map((v, i) => (i === 3 ? v + 1 : v)) } : r;
    } };
    const inputs = (await import('../src/sim/vectors.ts')).makeVectors(4, dut.inputs, dut.inWidth, 5);
    const path = join(work, 'mm', 'first-mismatch.vcd');
    const r = await cosim(wrong, { inputs, simulator: 'cxxrtl', mismatchVcd: path });
    expect(r.exact).toBe(3);
    expect(r.mismatches.map((m) => [m.vector, m.index])).toEqual([[2, 3]]);
    expect(r.mismatchVcd?.path).toBe(path);
    expect(r.mismatchVcd?.vector).toBe(2);
    // output 3 of vector 2 leaves on its fourth beat (one lane): the report's cycle is that beat's
    const plain = await simulateStream(dut.rtl, inputs.map((v) => v.x.map((e) => [e])), { simulator: 'cxxrtl', seed: 1 });
    expect(r.mismatchVcd?.cycle).toBe(plain.beats[2][3].cycle);
    expect(r.mismatches[0].cycle).toBe(plain.beats[2][3].cycle);
    const text = readFileSync(path, 'utf8');
    const times = vcdTimes(text);
    expect(times[0]).toBeLessThanOrEqual(plain.firstIn[2] * 10);
    expect(times.at(-1)).toBeGreaterThanOrEqual(plain.lastOut[2] * 10 + 5);
  });

  it('a harness failure in WebAssembly is one message with the log path', async () => {
    const dut = layerDut(loadLayerSpec(SPEC));
    const err = await simulateStream(dut.rtl, [dut.rtl.io.inBeats].map((n) => Array.from({ length: n }, () => [0])), { simulator: 'cxxrtl', maxCycles: 3 })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CircaError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^CXXRTL simulation of \w+ failed: harness: timeout after 3 cycles.*\(log: (.+)\)$/);
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).not.toMatch(/wasm-function|RuntimeError/);
    const log = /\(log: (.+)\)$/.exec(msg)![1];
    expect(readFileSync(resolve(log), 'utf8')).toMatch(/harness: timeout/);
    expect(existsSync(resolve(log))).toBe(true);
  });
});
