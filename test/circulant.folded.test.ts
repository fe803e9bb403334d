/**
 * The circulant and diag-circulant kinds on the folded FFT engine
 * (`"fft": { "architecture": "folded" }`, circulant-common/folded-core.ts):
 * the model against the float product and against the streaming core, the
 * RTL in Verilator bit-exact under backpressure with measured cycles ==
 * timing() at full rate, a two-layer network, and the resource inventory the
 * fit check reads (the MNIST example's SB_MAC16 and EBR).
 */
import { describe, expect, it } from 'vitest';
import { loadLayerSpec, readJsonFile } from '../src/layers/load.ts';
import { cosim, formatMismatch, type CosimReport } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { planNetwork } from '../src/network/plan.ts';
import { networkDut } from '../src/network/cosim.ts';
import { checkRtl } from '../src/sim/lint.ts';
import { designFromPlan, loadDesign } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { fitCheck } from '../src/estimate/index.ts';
import type { CirculantPlan } from '../src/layers/circulant/plan.ts';
import { toReal } from '../src/fixed/index.ts';

const STALLS = { validPct: 75, readyPct: 65 };

function expectExact(r: CosimReport): void {
  expect(r.mismatches.map(formatMismatch)).toEqual([]);
  expect(r.exact).toBe(r.vectors);
  expect(r.overflowGot).toBe(r.overflowExpected);
}

const CIRC = {
  kind: 'circulant', name: 'fcirc', inputs: 12, outputs: 10, activation: 'relu',
  fft: { architecture: 'folded', butterflies: 2 }, output: { format: { int: 2, frac: 5 } },
};
const DCIRC = {
  kind: 'diag-circulant', name: 'fdcirc', inputs: 30, outputs: 20, activation: 'relu',
  fft: { architecture: 'folded', butterflies: 1, multipliers: 3, rounding: 'half-up' },
};

describe('folded circulant core: model', () => {
  it('tracks the float product circ(r) D x (error well below one output LSB on average)', () => {
    const l = loadLayerSpec({ ...CIRC, inputs: 200, outputs: 200, activation: 'identity', fft: { architecture: 'folded' } });
    const p = l.plan as CirculantPlan;
    let err = 0;
    let n = 0;
    for (let s = 0; s < 5; s++) {
      const x = Array.from({ length: 200 }, (_, i) => ((i * 37 + s * 101) % 255) - 127);
      const y = l.kind.reference(p, x).y;
      const f = l.kind.float(p, x);
      y.forEach((v, i) => { err += Math.abs(toReal(v, p.yFormat) - f[i]); n++; });
    }
    // output LSB 2^-5: rounding alone gives 1/4 LSB on average; the transforms add less than that
    expect(err / n).toBeLessThan(0.5 * 2 ** -5);
  });

  it('plans K from the shapes (at least 16), checks butterflies and refuses streaming-only misuse by field', () => {
    const p = loadLayerSpec(CIRC).plan as CirculantPlan;
    expect(p.core.k).toBe(16);
    expect(p.core.arch).toBe('folded');
    expect(() => loadLayerSpec({ ...CIRC, fft: { architecture: 'folded', butterflies: 8 } })).toThrow(/fft\.butterflies: must be a power of two in 1\.\.4 for K = 16, got 8/);
    expect(() => loadLayerSpec({ ...CIRC, fft: { butterflies: 2 } })).toThrow(/fft\.butterflies: only with "architecture": "folded"/);
  });
});

describe('folded circulant kinds in Verilator', { tags: ['tools'] }, () => {
  it('lint, Icarus and yosys are clean', async () => {
    for (const spec of [CIRC, DCIRC]) {
      const l = loadLayerSpec(spec);
      const rtl = l.kind.rtl(l.plan);
      const checks = await checkRtl(rtl.sources, rtl.top);
      expect(checks.filter((c) => !c.ok).map((c) => `${spec.name} ${c.tool}: ${c.messages.slice(0, 5).join(' | ')}`)).toEqual([]);
    }
  });

  for (const spec of [CIRC, DCIRC]) {
    it(`${spec.kind} ${spec.inputs} -> ${spec.outputs}: bit-exact under stalls, cycles == timing() at full rate`, async () => {
      const l = loadLayerSpec(spec);
      const stalled = await cosimLayer(l, { vectors: 60, seed: 7, ...STALLS });
      expectExact(stalled);
      const full = await cosimLayer(l, { vectors: 20, seed: 8 });
      expectExact(full);
      // every vector's latency and period checked against the prediction as its stamps arrived
      expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
    });
  }

  it('two folded diag-circulant layers in a network: bit-exact, cycles composed exactly', async () => {
    const net = planNetwork({
      network: 'fold_chain', schedule: 'sequential',
      layers: [
        { kind: 'diag-circulant', name: 'q1', inputs: 20, outputs: 24, activation: 'relu', fft: { architecture: 'folded', butterflies: 2 },
          output: { format: { int: 1, frac: 6 } } },
        { kind: 'diag-circulant', name: 'q2', inputs: 24, outputs: 16, input: { int: 1, frac: 6 }, weights: { init: 'random', seed: 3 },
          fft: { architecture: 'folded', multipliers: 3 } },
      ],
    });
    const dut = networkDut(net);
    const stalled = await cosim(dut, { vectors: 30, seed: 2, ...STALLS });
    expectExact(stalled);
    const full = await cosim(dut, { vectors: 10, seed: 3 });
    expectExact(full);
    // every vector's latency and period checked against the prediction as its stamps arrived
    expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  });
});

describe('examples/mnist-circulant.json (circulant 784, K = 1024, on one folded engine)', { tags: ['tools'] }, () => {
  it('3 images bit-exact under stalls and at full rate, 17,239 cycles per image as predicted', async () => {
    const dut = loadDesign('examples/mnist-circulant.json').dut();
    expectExact(await cosim(dut, { vectors: 3, seed: 1, ...STALLS }));
    const full = await cosim(dut, { vectors: 3, seed: 2 });
    expectExact(full);
    // every vector's latency checked against the prediction as its stamps arrived
    expect({ wrongLatencies: full.cycles.wrongLatencies, checked: full.cycles.latency.measured.count }).toEqual({ wrongLatencies: 0, checked: full.vectors });
    expect(full.cycles.predictedLatency).toBe(17239);
  });
});

describe('examples/mnist-diagcirc.json (two diag-circulant 784, K = 1024, sharing one folded engine)', () => {
  it('3 images bit-exact under stalls and at full rate, cycles as predicted', { tags: ['tools'] }, async () => {
    const design = loadDesign('examples/mnist-diagcirc.json');
    expect(design.net.layers.map((l) => (l.plan as { name: string }).name)).toEqual(['dc1_dc2', 'fc10', 'class']);
    const dut = design.dut();
    expectExact(await cosim(dut, { vectors: 3, seed: 1, ...STALLS }));
    const full = await cosim(dut, { vectors: 3, seed: 2 });
    expectExact(full);
    // every vector's latency checked against the prediction as its stamps arrived
    expect({ wrongLatencies: full.cycles.wrongLatencies, checked: full.cycles.latency.measured.count }).toEqual({ wrongLatencies: 0, checked: full.vectors });
    expect(full.cycles.predictedLatency).toBe(design.cost().latency);
  });

  it('fits the UP5K by the resource model: 7 SB_MAC16 (4 + 1 in the shared engine, 2 in the dense head), d and b in SPRAM', () => {
    const f = fitCheck(loadDesign('examples/mnist-diagcirc.json'), 'UP5K');
    expect(f.estimate.total.dsp).toBe(7);
    expect(f.estimate.total.spram).toBe(2);
    expect(f.estimate.total.ebr).toBeLessThanOrEqual(30);
    expect(f.estimate.unmodelled).toEqual([]);
    expect(f.fits).toBe(true);
  });
});

describe('folded circulant resources', () => {
  it('examples/mnist-circulant.json: 6 SB_MAC16 (4 in the engine, 2 in the dense head) and at most 30 EBR on the UP5K', () => {
    const f = fitCheck(loadDesign('examples/mnist-circulant.json'), 'UP5K');
    expect(f.estimate.total.dsp).toBe(6);
    expect(f.estimate.total.ebr).toBeLessThanOrEqual(30);
    expect(f.estimate.unmodelled).toEqual([]);
    expect(f.fits).toBe(true);
    void readJsonFile;
  });
});

describe('fit advice from the kinds (LayerKind.smaller)', () => {
  it('a streaming circulant 256 refused on the UP5K: the advice names the folded FFT with the unit count that fits, priced', () => {
    const f = fitCheck(loadDesign('examples/circulant-256.json'), 'UP5K');
    expect(f.fits).toBe(false);
    // the fastest folded engine that fits with room: 4 units need 16 SB_MAC16; 2 units 8 but more
    // logic than the part by the model (within its error: marginal); 1 unit 4 SB_MAC16
    const line = f.advice.split('\n').find((l) => l.startsWith('fft.architecture:'));
    expect(line).toMatch(/"architecture": "folded", "butterflies": 1:/);
    expect(line).toMatch(/it needs [\d,]+ logic cells, 4 DSP, \d+ EBR, 0 SPRAM \(iCE40UP5K: 5,280, 8, 30, 4\): that fits$/);
  });

  it('a folded FFT with too many units: the advice names fewer butterflies, or 3 multipliers', () => {
    const fft = { kind: 'fft', name: 'f1k', n: 1024, architecture: 'folded', butterflies: 8 };
    const f = fitCheck(designFromPlan(planAny(fft), false), 'UP5K');
    expect(f.fits).toBe(false);
    expect(f.rows.find((r) => r.resource.startsWith('DSP'))?.status).toBe('over');
    expect(f.advice).toMatch(/^butterflies: "butterflies": 2: fewer butterfly units, fewer SB_MAC16 and LUTs, 4x the transform cycles; it needs [\d,]+ logic cells, 8 DSP/m);
    // the kind's face lists its changes fastest first: 8 units with 3 multipliers, then 4 units (4, then 3 multipliers), ...
    const alts = loadLayerSpec(fft).kind.smaller!(fft);
    expect(alts.map((a) => `${a.spec.butterflies}/${a.spec.multipliers}`)).toEqual(['8/3', '4/4', '4/3', '2/4', '2/3', '1/4', '1/3']);
  });

  it('two streaming diag-circulant layers: both folded together is priced as one line', () => {
    const f = fitCheck(loadDesign('examples/diagcirc-chain.json'), 'UP5K');
    expect(f.advice).toMatch(/^layers\[0\]\.fft\.architecture: "architecture": "folded"/m);
    expect(f.advice).toMatch(/^layers\[1\]\.fft\.architecture: "architecture": "folded"/m);
    expect(f.advice).toMatch(/^with those changes on all 2 layers together it needs [\d,]+ logic cells, 8 DSP/m);
  });
});
