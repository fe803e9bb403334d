/**
 * Slow checks of the folded FFT engine (npm run test:deep): the RTL
 * bit-exact against the model at N = 16, 64 and 1024 for every rounding mode,
 * FFT and IFFT, with every vector's cycles as predicted; at N = 1024 also 3
 * multipliers, 4 and 8 units, wrap, mixed and no scaling, natural order; the synthesised
 * netlist (YoWASP yosys, what `circa build` maps) bit-exact too; and the
 * 1024-point FFT built for the iCEBreaker with `circa build`.
 */
import { describe, expect, it } from 'vitest';
import { itFoldedDesign } from './fft-folded-designs.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayerSpec } from '../src/layers/load.ts';
import { cosim, formatMismatch, type CosimReport } from '../src/sim/cosim.ts';
import { cosimLayer, layerDut } from '../src/network/layer-dut.ts';
import { synthesisedRtl } from '../src/sim/netlist.ts';
import { runNode } from './run-node.ts';

function expectExact(r: CosimReport): void {
  expect(r.mismatches.map(formatMismatch)).toEqual([]);
  expect(r.exact).toBe(r.vectors);
  expect(r.overflowGot).toBe(r.overflowExpected);
}

describe('folded FFT: N x rounding x direction', () => {
  for (const n of [16, 64, 1024]) {
    for (const rounding of ['truncate', 'half-up', 'convergent'] as const) {
      for (const inverse of [false, true]) {
        it(`n = ${n}, ${rounding}, ${inverse ? 'IFFT' : 'FFT'}: bit-exact under stalls, cycles as predicted`, async () => {
          const l = loadLayerSpec({ kind: 'fft', architecture: 'folded', name: `d${n}${rounding[0]}${inverse ? 'i' : 'f'}`, n, rounding, inverse, butterflies: n >= 64 ? 2 : 1 });
          const stalled = await cosimLayer(l, { vectors: n >= 1024 ? 10 : 30, seed: 3, validPct: 70, readyPct: 60 });
          expectExact(stalled);
          const full = await cosimLayer(l, { vectors: 6, seed: 4 });
          expectExact(full);
          // every vector's latency and period checked against the prediction as its stamps arrived
          expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
        });
      }
    }
  }
});

describe('folded FFT at N = 1024: the options the matrix above leaves at their defaults', () => {
  // the matrix runs 4 multipliers, unit scaling, saturation, 1 or 2 units; these cover the rest at full size
  const cases = {
    m3: { n: 1024, butterflies: 1, multipliers: 3, rounding: 'half-up', naturalOrder: true },
    wrap: { n: 1024, butterflies: 4, inverse: true, rounding: 'truncate', overflow: 'wrap', scaling: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0], twiddleWidth: 12 },
    grow: { n: 1024, butterflies: 8, rounding: 'convergent', scaling: 'none', dataWidth: 12, multipliers: 3 },
  } as const;
  for (const [name, spec] of Object.entries(cases)) {
    it(`${name} (${JSON.stringify(spec)}): bit-exact under stalls, cycles as predicted`, async () => {
      const l = loadLayerSpec({ kind: 'fft', architecture: 'folded', name: `o1k_${name}`, ...spec });
      expectExact(await cosimLayer(l, { vectors: 8, seed: 7, validPct: 70, readyPct: 60 }));
      const full = await cosimLayer(l, { vectors: 4, seed: 8 });
      expectExact(full);
      // every vector's latency and period checked against the prediction as its stamps arrived
      expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
    });
  }
});

describe('folded FFT at gate level', () => {
  it('a 64-point FFT with 2 units and 3 multipliers, and a 16-point IFFT with 4 units: the netlist is bit-exact', async () => {
    for (const spec of [
      { n: 64, butterflies: 2, multipliers: 3, naturalOrder: true },
      { n: 16, inverse: true, butterflies: 4, rounding: 'half-up', scaling: [1, 0, 1, 0] },
    ]) {
      const dut = layerDut(loadLayerSpec({ kind: 'fft', architecture: 'folded', name: `gl${spec.n}`, ...spec }));
      const gl = { ...dut, label: `${dut.label}_gl`, rtl: await synthesisedRtl(dut.rtl) };
      expectExact(await cosim(gl, { vectors: 12, seed: 4, validPct: 70, readyPct: 60 }));
      const full = await cosim(gl, { vectors: 6, seed: 5 });
      expectExact(full);
      // every vector's latency checked against the prediction as its stamps arrived
      expect({ wrongLatencies: full.cycles.wrongLatencies, checked: full.cycles.latency.measured.count }).toEqual({ wrongLatencies: 0, checked: full.vectors });
    }
  });
});

describe('folded FFT on the iCEBreaker', () => {
  it('examples/fft1024-folded.json builds with circa build (YoWASP): 4 SB_MAC16, timing met at 12 MHz', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'circa-fold-')), 'b');
    const r = await runNode('bin/circa.mjs', ['build', 'examples/fft1024-folded.json', '--board', 'icebreaker', '-o', out, '-q'], process.cwd());
    expect(r.code).toBe(0);
    const flow = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).flow;
    expect(flow.cells.dsp).toBe(4);
    expect(flow.cells.ebr).toBeLessThanOrEqual(30);
    expect(flow.timingMet).toBe(true);
    console.log(`fft1024f on icebreaker: ${flow.cells.lut4} LUT4, ${flow.cells.ff} FF, ${flow.cells.dsp} DSP, ${flow.cells.ebr} EBR, Fmax ${flow.fmaxMHz.toFixed(1)} MHz`);
  });
});

describe('folded FFT RTL in Verilator: the small designs the default suite leaves out', () => {
  for (const name of ['f16', 'i16', 'f64b8']) itFoldedDesign(name);
});
