/**
 * The `registers` face of the layer kinds (src/layers/types.ts) and the
 * device model built on it (src/host/model.ts), without a device: the setup
 * writes and their addresses, what a write does to the model, and that the
 * model computes with what the registers hold. test/protocol.sim.test.ts
 * runs the same writes against the simulated device.
 */
import { describe, expect, it } from 'vitest';
import { layerRtl, planAny } from '../src/network/plan.ts';
import { designFromPlan } from '../src/network/design.ts';
import { DeviceModel } from '../src/host/model.ts';
import { formatRunReport, type RunReport } from '../src/host/run.ts';
import { LAYER_KINDS } from '../src/layers/index.ts';
import { bcircRegisters } from '../src/layers/block-circulant/registers.ts';
import { bcircReference } from '../src/layers/block-circulant/reference.ts';
import { bcircLoadWords, cfgWidth } from '../src/layers/block-circulant/rtl.ts';
import type { BlockCirculantPlan } from '../src/layers/block-circulant/plan.ts';
import { tvscmRegisters } from '../src/layers/tvscm/registers.ts';
import { tvscmReference } from '../src/layers/tvscm/reference.ts';
import type { TvscmPlan } from '../src/layers/tvscm/plan.ts';
import type { Cplx } from '../src/layers/circulant-common/spectrum.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { denseRegisters, unpackDenseWord } from '../src/layers/dense/registers.ts';
import { denseReference } from '../src/layers/dense/reference.ts';
import { denseLoadWords } from '../src/layers/dense/rtl.ts';
import type { DensePlan } from '../src/layers/dense/plan.ts';

/** The same layer as the SPRAM load-path tests (circulant.cosim, protocol.sim): p = 5, q = 6, 5 bins, 2 lanes, 3 groups. */
const BC = {
  kind: 'block-circulant', name: 'bc_load', inputs: 48, outputs: 40, blockSize: 8, macs: 2, memory: 'spram',
  weights: { init: 'random', seed: 9 }, output: { format: { int: 2, frac: 5 } },
};
const TV48 = {
  kind: 'tvscm', name: 'tv48', n: 48, placement: { type: 'band', radius: 2 },
  input: { int: 0, frac: 7 }, weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 }, output: { format: { int: 0, frac: 7 } },
};

const bcPlan = () => planAny(BC).layers[0].plan as BlockCirculantPlan;
/** {im, re} packed as the loader takes it */
const pack = (p: BlockCirculantPlan, re: number, im: number) => Number(BigInt.asUintN(p.hWidth, BigInt(im)) << BigInt(p.hWidth) | BigInt.asUintN(p.hWidth, BigInt(re)));
/** the plan with one spectrum value replaced, built here without the registers' decoder */
const withH = (p: BlockCirculantPlan, i: number, j: number, f: number, v: Cplx): BlockCirculantPlan => {
  const H = p.H.map((row) => row.map((s) => s.map((c) => [...c] as Cplx)));
  H[i][j][f] = v;
  return { ...p, H };
};

describe('block-circulant registers (memory "spram")', () => {
  const p = bcPlan();
  const words = bcircLoadWords(p);
  const xs = makeVectors(12, p.inputs, p.xWidth, 5).map((v) => v.x);
  const block = p.bins * p.q;   // 30 words per lane per group

  it('the plan: 3 groups of 2 lanes, 90 words per lane, 16-bit words', () => {
    expect([p.p, p.q, p.bins, p.lanes, p.groups, p.wordsPerLane, cfgWidth(p)]).toEqual([5, 6, 5, 2, 3, 90, 16]);
    expect(words).toHaveLength(180);
  });

  it('setup: a restart, then every word of bcircLoadWords in order; at 4k + r in a network, r alone in a layer\'s own top', () => {
    const setup = bcircRegisters(p)!.setup();
    expect(setup.writes).toEqual([{ reg: 0, value: 0 }, ...words.map((value) => ({ reg: 1, value }))]);
    expect(setup.summary).toBe('loaded the spectra into SPRAM (180 words of 16 bits)');
    const single = new DeviceModel(designFromPlan(planAny(BC), false)).syncWrites();
    expect(single).toHaveLength(1);
    expect(single[0].writes).toEqual([{ address: 0, value: 0 }, ...words.map((value) => ({ address: 1, value }))]);
    // a network: TVSCM at layer 0 (0, 1, 2), the block-circulant layer at layer 1 (4 = restart, 5 = word)
    const net = new DeviceModel(designFromPlan(planAny({ network: 'tv_bc', layers: [TV48, BC] }), true)).syncWrites();
    const tv = planAny(TV48).layers[0].plan as TvscmPlan;
    expect(net.map((s) => [s.layer, s.name, s.kind])).toEqual([[0, 'tv48', 'tvscm'], [1, 'bc_load', 'block-circulant']]);
    expect(net[0].writes).toEqual([{ address: 0, value: tv.a }, { address: 1, value: tv.b }, { address: 2, value: 0 }]);
    expect(net[1].writes).toEqual([{ address: 4, value: 0 }, ...words.map((value) => ({ address: 5, value }))]);
  });

  it('the setup writes leave the model computing the plan\'s reference', () => {
    const r = bcircRegisters(p)!;
    for (const w of r.setup().writes) expect(r.write(w.reg, w.value).applied).toBe(true);
    for (const x of xs) expect(r.reference(x)).toEqual(bcircReference(p, x));
  });

  it('a different word: the model computes with the decoded spectrum (= a plan with that H), and the pointer follows the loader', () => {
    const r = bcircRegisters(p)!;
    r.write(0, 0);
    // word 97 in load order: group 1, lane 1, offset 7 -> address 37 = (1*5 + 1)*6 + 1: H[1*2 + 1][j 1][f 1]
    for (let n = 0; n < 97; n++) r.write(1, words[n]);
    const e = r.write(1, pack(p, 100, -37));
    expect(e).toEqual({ effect: 'word 97: lane 1 address 37: H[3][1][1] = 100 - 37i (not the spec\'s)', applied: true, clearsOverflow: false });
    const changed = withH(p, 3, 1, 1, [100, -37]);
    expect(p.H[3][1][1]).not.toEqual([100, -37]);
    let differs = 0;
    for (const x of xs) {
      const got = r.reference(x);
      expect(got).toEqual(bcircReference(changed, x));
      if (got.y.join() !== bcircReference(p, x).y.join()) differs++;
    }
    expect(differs).toBeGreaterThanOrEqual(3);   // some of makeVectors' corner cases saturate either way
    // only output block 3 (outputs 24..31) changes
    const a = r.reference(xs[0]).y;
    const b = bcircReference(p, xs[0]).y;
    expect(a.map((v, t) => (v !== b[t] ? Math.floor(t / 8) : -1)).filter((blk) => blk >= 0).every((blk) => blk === 3)).toBe(true);
    // the spec's word again: back to the plan
    r.write(0, 0);
    for (let n = 0; n <= 97; n++) r.write(1, words[n]);
    for (const x of xs.slice(0, 3)) expect(r.reference(x)).toEqual(bcircReference(p, x));
  });

  it('a value wider than a word: the low 16 bits; words past the end change nothing, then the address counter wraps (7 bits)', () => {
    const r = bcircRegisters(p)!;
    r.write(0, 0);
    expect(r.write(1, 0xabcd0000 + pack(p, -3, 5)).effect).toBe('word 0: lane 0 address 0: H[0][0][0] = -3 + 5i (not the spec\'s)');
    expect(r.reference(xs[1])).toEqual(bcircReference(withH(p, 0, 0, 0, [-3, 5]), xs[1]));
    r.write(0, 0);
    for (const w of words) r.write(1, w);
    // a fourth group: base 90, addresses 90..119 of lane 0 and lane 1 are past the end
    for (let n = 0; n < 2 * block; n++) expect(r.write(1, 0).effect).toMatch(/past the end of the weight memory \(90 words\): no change/);
    for (const x of xs.slice(0, 3)) expect(r.reference(x)).toEqual(bcircReference(p, x));
    // a fifth: base 120, addresses 120..127, then 0.. (WA_W = 7 bits), like bcirc_loader.v's base + off
    for (let n = 0; n < 8; n++) expect(r.write(1, 0).effect).toMatch(/lane 0 address 12\d is past the end/);
    expect(r.write(1, pack(p, 7, 0)).effect).toBe('word 248: lane 0 address 0: H[0][0][0] = 7 + 0i (not the spec\'s)');
    expect(r.reference(xs[2])).toEqual(bcircReference(withH(p, 0, 0, 0, [7, 0]), xs[2]));
  });

  it('registers 2 and 3 do nothing; the padded lane of the last group is unused', () => {
    const r = bcircRegisters(p)!;
    expect(r.write(2, 5)).toEqual({ effect: 'no register 2 (0 = restart the weight load, 1 = next weight word)', applied: false, clearsOverflow: false });
    expect(r.write(3, 5).applied).toBe(false);
    r.write(0, 0);
    // group 2, lane 1 is output block 5: there is none (p = 5)
    for (let n = 0; n < 5 * block; n++) r.write(1, words[n]);
    expect(r.write(1, pack(p, 1, 1)).effect).toBe('word 150: lane 1 address 60: a padded lane (unused)');
    expect(r.reference(xs[0])).toEqual(bcircReference(p, xs[0]));
  });

  it('EBR has no config port and no registers; a word wider than WRITE_REG\'s 32 bits is refused', () => {
    const ebr = planAny({ ...BC, memory: 'ebr' });
    expect(LAYER_KINDS['block-circulant'].registers!(ebr.layers[0].plan)).toBeNull();
    const m = new DeviceModel(designFromPlan(ebr, false));
    expect(m.syncWrites()).toEqual([]);
    expect(() => m.checkAddress(0)).toThrow(/no run-time registers/);
    const wide = planAny({ ...BC, macs: 1, weights: { ...BC.weights, spectrumWidth: 20 } }).layers[0].plan as BlockCirculantPlan;
    expect(cfgWidth(wide)).toBe(40);
    expect(() => bcircRegisters(wide)).toThrow(/weights\.spectrumWidth: .*32-bit WRITE_REG.*40 bits.*at most 16/);
  });
});

/** A dense layer in SPRAM: 3 groups of 2 lanes (the last padded), 20 words of 16 bits per group. */
const DS = {
  kind: 'dense', name: 'fc_load', inputs: 20, outputs: 5, lanes: 2, memory: 'spram',
  weights: { init: 'random', seed: 3, scale: 0.5 }, output: { format: { int: 1, frac: 6 } },
};

describe('dense registers (memory "spram")', () => {
  const p = planAny(DS).layers[0].plan as DensePlan;
  const words = denseLoadWords(p);
  const xs = makeVectors(12, p.n, p.xWidth, 5).map((v) => v.x);
  /** two 8-bit lanes packed as the loader takes them */
  const pack = (lo: number, hi: number) => ((hi & 0xff) << 8) | (lo & 0xff);
  const withW = (row: number, k: number, v: number): DensePlan => {
    const w = p.w.map((r) => [...r]);
    w[row][k] = v;
    return { ...p, w };
  };

  it('the words: word g*n + k holds W[g*P + j][k] in lane j, zero past the last row', () => {
    expect(words).toHaveLength(60);
    expect(unpackDenseWord(p, words[0])).toEqual([p.w[0][0], p.w[1][0]]);
    expect(unpackDenseWord(p, words[20 + 7])).toEqual([p.w[2][7], p.w[3][7]]);
    expect(unpackDenseWord(p, words[40 + 19])).toEqual([p.w[4][19], 0]);
  });

  it('setup: a restart, then every word; at 4k + r in a network; the setup leaves the model computing the plan\'s reference', () => {
    const r = denseRegisters(p)!;
    const setup = r.setup();
    expect(setup.writes).toEqual([{ reg: 0, value: 0 }, ...words.map((value) => ({ reg: 1, value }))]);
    expect(setup.summary).toBe('loaded the weights into SPRAM (60 words of 16 bits)');
    for (const w of setup.writes) expect(r.write(w.reg, w.value).applied).toBe(true);
    for (const x of xs) expect(r.reference(x)).toEqual(denseReference(p, x));
    // a network: TVSCM 20 at layer 0 (0, 1, 2), the dense layer at layer 1 (4 = restart, 5 = word)
    const net = new DeviceModel(designFromPlan(planAny({ network: 'tv_fc', layers: [{ ...TV48, n: 20 }, DS] }), true)).syncWrites();
    expect(net.map((s) => [s.layer, s.name, s.kind])).toEqual([[0, 'tv48', 'tvscm'], [1, 'fc_load', 'dense']]);
    expect(net[1].writes).toEqual([{ address: 4, value: 0 }, ...words.map((value) => ({ address: 5, value }))]);
  });

  it('a different word: the model computes with the decoded weights; the padded lane is unused; the spec\'s word again restores the plan', () => {
    const r = denseRegisters(p)!;
    r.write(0, 0);
    for (let n = 0; n < 27; n++) r.write(1, words[n]);
    // word 27 = group 1, k 7: W[2][7] and W[3][7]
    const e = r.write(1, pack(-100, unpackDenseWord(p, words[27])[1]));
    expect(e).toEqual({ effect: `word 27: W[2][7] = -100, W[3][7] = ${p.w[3][7]} (not the spec's)`, applied: true, clearsOverflow: false });
    expect(p.w[2][7]).not.toBe(-100);
    let differs = 0;
    for (const x of xs) {
      const got = r.reference(x);
      expect(got).toEqual(denseReference(withW(2, 7, -100), x));
      if (got.y.join() !== denseReference(p, x).y.join()) differs++;
    }
    expect(differs).toBeGreaterThanOrEqual(3);
    // the padded lane of the last group: word 40 + k, lane 1 is row 5 (there is none)
    for (let n = 28; n < 45; n++) r.write(1, words[n]);
    expect(r.write(1, pack(unpackDenseWord(p, words[45])[0], 77)).effect).toBe(`word 45: W[4][5] = ${p.w[4][5]} (not the spec's)`);
    // word 27 back to the spec's: the padded lane alone differs, and it is never used
    r.write(0, 0);
    for (let n = 0; n <= 27; n++) r.write(1, words[n]);
    for (const x of xs.slice(0, 4)) expect(r.reference(x)).toEqual(denseReference(p, x));
  });

  it('a value wider than a word: the low 16 bits; words past the end change nothing, then the pointer wraps (6 bits)', () => {
    const r = denseRegisters(p)!;
    r.write(0, 0);
    expect(r.write(1, 0xabcd0000 + pack(5, -3)).effect).toBe('word 0: W[0][0] = 5, W[1][0] = -3 (not the spec\'s)');
    const both = withW(0, 0, 5);
    both.w[1][0] = -3;
    expect(r.reference(xs[1])).toEqual(denseReference(both, xs[1]));
    r.write(0, 0);
    for (const w of words) r.write(1, w);
    for (let n = 60; n < 64; n++) expect(r.write(1, 0).effect).toBe(`word ${n} is past the end of the weight memory (60 words): no change`);
    for (const x of xs.slice(0, 3)) expect(r.reference(x)).toEqual(denseReference(p, x));
    // WA_W = 6: word 64 is word 0 again, like dense_loader.v's pointer
    expect(r.write(1, pack(9, 9)).effect).toBe('word 0: W[0][0] = 9, W[1][0] = 9 (not the spec\'s)');
  });

  it('registers 2 and 3 do nothing; memory "auto" and "ebr" have no config port and no registers', () => {
    const r = denseRegisters(p)!;
    expect(r.write(2, 5)).toEqual({ effect: 'no register 2 (0 = restart the weight load, 1 = next weight word)', applied: false, clearsOverflow: false });
    expect(r.write(3, 5).applied).toBe(false);
    for (const memory of ['auto', 'ebr']) {
      const rom = planAny({ ...DS, memory });
      expect(LAYER_KINDS.dense.registers!(rom.layers[0].plan)).toBeNull();
      expect(layerRtl(rom.layers[0]).extraPorts.map((q) => q.name)).toEqual(['busy']);
      expect(new DeviceModel(designFromPlan(rom, false)).syncWrites()).toEqual([]);
    }
  });
});

describe('TVSCM registers (moved from the host model, unchanged)', () => {
  const p = planAny(TV48).layers[0].plan as TvscmPlan;
  const x = makeVectors(1, 48, 8, 3)[0].x;

  it('setup: a, b, clear overflow; writes: a, b as signed W-bit values, 2 clears the flag, 3 is nothing', () => {
    const r = tvscmRegisters(p);
    expect(r.setup().writes).toEqual([{ reg: 0, value: p.a }, { reg: 1, value: p.b }, { reg: 2, value: 0 }]);
    expect(r.reference(x)).toEqual(tvscmReference(p, x));
    expect(r.write(0, 100)).toEqual({ effect: 'a = 100 (1.5625 in Q1.6 (8 bits))', applied: true, clearsOverflow: false });
    expect(r.write(1, 0xfe).effect).toBe('b = -2 (-0.03125 in Q1.6 (8 bits))');
    expect(r.reference(x)).toEqual(tvscmReference(p, x, 100, -2));
    expect(r.write(2, 0)).toEqual({ effect: 'overflow flag cleared', applied: true, clearsOverflow: true });
    expect(r.write(3, 0)).toMatchObject({ applied: false, clearsOverflow: false });
  });

  it('the device model: the flag rises with an overflowing vector and register 2 clears it', () => {
    const m = new DeviceModel(designFromPlan(planAny(TV48), false));
    m.writeReg(0, 127);
    m.writeReg(1, 127);
    const big = new Array(48).fill(127);
    expect(m.infer(big)).toEqual(tvscmReference(p, big, 127, 127));
    expect(m.ovf).toBe(true);
    expect(m.writeReg(2, 0)).toMatchObject({ effect: 'layer 0 tv48: overflow flag cleared', applied: true });
    expect(m.ovf).toBe(false);
    expect(m.writeReg(3, 0)).toMatchObject({ effect: 'layer 0 tv48: no register 3 (0 = a, 1 = b, 2 = clear overflow)', applied: false });
  });
});

describe('the run report sums the setup writes up per layer', () => {
  it('one line per layer, not per write', () => {
    const report: RunReport = {
      design: 'bc784', transport: 'test', registers: [], vectors: [], matched: 0, status: null, pass: true, syncSkipped: false,
      sync: [{ layer: 0, name: 'bc784', kind: 'block-circulant', writes: 21610, frames: 3, addresses: [0, 1], summary: 'loaded the spectra into SPRAM (21609 words of 16 bits)' }],
    };
    const lines = formatRunReport(report);
    expect(lines).toContain('sync: layer 0 bc784: 21,610 write(s) in 3 frame(s) loaded the spectra into SPRAM (21609 words of 16 bits)');
    expect(lines).toHaveLength(4);
    expect(formatRunReport({ ...report, sync: [], syncSkipped: true })).toContain('sync: skipped (--no-sync): the model assumes the device already holds the spec\'s weights');
  });
});
