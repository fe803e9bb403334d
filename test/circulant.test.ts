/**
 * The three circulant kinds without simulation: spec errors that name the
 * field and its range (exit code 2 through the CLI), the float models
 * against explicit matrices, the fixed-point models against the float ones,
 * conjugate-symmetric storage, parameter counts, and `circa fft-report`.
 * Bit-exactness against the RTL is in circulant.cosim.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircaInputError } from '../src/errors.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { loadDesign } from '../src/network/design.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { toReal } from '../src/fixed/index.ts';
import { main } from '../src/cli/main.ts';
import { fftReportCommand } from '../src/cli/fft-command.ts';
import { dftReal, fromHalf, halfSpectrum, realSource } from '../src/layers/circulant-common/spectrum.ts';
import { bcircLoadWords } from '../src/layers/block-circulant/rtl.ts';
import type { CirculantPlan } from '../src/layers/circulant/plan.ts';
import type { BlockCirculantPlan } from '../src/layers/block-circulant/plan.ts';
import type { DiagCirculantPlan } from '../src/layers/diag-circulant/plan.ts';

function inputError(raw: object): string {
  try {
    loadLayerSpec(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(CircaInputError);
    return (e as Error).message;
  }
  throw new Error('expected a CircaInputError');
}

const circ = (extra: object = {}) => ({ kind: 'circulant', inputs: 16, outputs: 16, ...extra });
const bcirc = (extra: object = {}) => ({ kind: 'block-circulant', inputs: 32, outputs: 16, blockSize: 8, ...extra });
const dcirc = (extra: object = {}) => ({ kind: 'diag-circulant', inputs: 16, outputs: 16, ...extra });

describe('spec errors name the field and the allowed range', () => {
  it('sizes that are not powers of two, or out of the FFT range', () => {
    expect(inputError(circ({ size: 24 }))).toBe('size: the circulant size must be a power of two in 4..1024, got 24');
    expect(inputError(circ({ size: 8 }))).toBe('size: must be at least max(inputs, outputs) = 16, got 8');
    expect(inputError(circ({ inputs: 2000, outputs: 10 }))).toMatch(/^inputs: the circulant size \(next power of two >= max\(inputs, outputs\) = 2048\) must be a power of two in 4\.\.1024/);
    expect(inputError(dcirc({ size: 100 }))).toBe('size: the circulant size must be a power of two in 4..1024, got 100');
    expect(inputError(bcirc({ blockSize: 12 }))).toBe('blockSize: the block size k must be a power of two in 4..1024, got 12');
    expect(inputError(bcirc({ blockSize: 2 }))).toBe('blockSize: the block size k must be a power of two in 4..1024, got 2');
  });
  it('the block size must divide inputs and outputs when padding is off', () => {
    expect(inputError(bcirc({ inputs: 36, pad: false }))).toMatch(/^inputs: must be a multiple of blockSize 8 when "pad" is false/);
    expect(inputError(bcirc({ outputs: 20, pad: false }))).toMatch(/^outputs: must be a multiple of blockSize 8 when "pad" is false/);
    // padding on: any size
    expect(loadLayerSpec(bcirc({ inputs: 36, outputs: 20 })).plan.q).toBe(5);
  });
  it('twiddle widths below 4 and widths that overflow without scaling', () => {
    expect(inputError(circ({ fft: { twiddleWidth: 3 } }))).toBe('fft.twiddleWidth: must be at least 4 (twiddles are Q1.(w-2)), got 3');
    expect(inputError(bcirc({ fft: { dataWidth: 30, scaling: 'none' } })))
      .toMatch(/^fft\.dataWidth: with scaling "none" the samples grow by 3 bits to 33 bits, over the 32-bit limit: dataWidth must be in 4\.\.29/);
    expect(inputError(circ({ fft: { inverseScaling: 'none', dataWidth: 30 } })))
      .toBe('fft.dataWidth: with scaling "none" the samples grow by 4 bits to 34 bits, over the 32-bit limit: dataWidth must be in 4..28 (or scale more stages) (inverse transform)');
    expect(inputError(circ({ fft: { inverseScaling: [1, 1] } }))).toMatch(/^fft\.inverseScaling: a schedule needs one shift per butterfly: 4 entries for n=16, got 2/);
    expect(inputError(circ({ fft: { dataWidth: 8 } }))).toBe('fft.dataWidth: must be at least 9 (the input is 8 bits, plus one for the sign flip), got 8');
  });
  it('lanes, weights, signs and memory', () => {
    expect(inputError(bcirc({ macs: 3 }))).toBe('macs: must be in 1..2 (one output block each; p = ceil(outputs / k) = 2), got 3');
    expect(inputError(bcirc({ weights: { values: [[[1]]] } }))).toBe('weights.values: expected 2 rows of blocks (ceil(outputs / k)), got 1');
    expect(inputError(bcirc({ weights: { values: [[[0, 0, 0, 0, 0, 0, 0, 0]], [[0]]] } }))).toBe('weights.values[0]: expected 4 blocks (ceil(inputs / k)), got 1');
    expect(inputError(circ({ weights: { values: [1, 2, 3] } }))).toBe('weights.values: expected 16 values, got 3');
    expect(inputError(circ({ signs: [1, -1] }))).toBe('signs: expected 16 values (one per input), got 2');
    expect(inputError(circ({ signs: Array.from({ length: 16 }, (_, i) => (i === 3 ? 0.5 : 1)) }))).toBe('signs[3]: must be 1 or -1, got 0.5');
    expect(inputError(circ({ weights: { values: new Array(16).fill(0.1), spectrumInt: 0 } })))
      .toMatch(/^weights\.spectrumInt: the spectrum reaches 1\.600, which does not fit Q0\.15/);
    expect(inputError(dcirc({ weights: { c: new Array(16).fill(0.1), d: new Array(16).fill(3) } }))).toMatch(/^weights\.d\[0\]: 3 does not fit Q1\.6 \(8 bits\): allowed -2\.\.1\.984375/);
    // 784 -> 784 in 16 x 16 blocks with 8-bit spectra: 5 lanes would need 5 SPRAMs
    expect(inputError({ kind: 'block-circulant', inputs: 784, outputs: 784, blockSize: 16, macs: 5, memory: 'spram' }))
      .toMatch(/^memory: the spectra need 5 SPRAM blocks \(5 lane\(s\) x 1: 4410 words of 16 bits each\), more than the 4 of an UltraPlus/);
  });
  it('the CLI exits with code 2 on a bad spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circa-circ-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(bcirc({ blockSize: 12 })));
    const errs: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['node', 'circa', 'estimate', path]);
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(2);
    expect(errs.join('')).toContain('blockSize: the block size k must be a power of two in 4..1024, got 12');
  });
});

/** (circ(w) s)_i = sum_j w_{(i-j) mod k} s_j as an explicit matrix product. */
function circMatrix(w: readonly number[]): number[][] {
  const k = w.length;
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => w[(i - j + k) % k]));
}
const matVec = (m: number[][], v: readonly number[]) => m.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));

describe('float models equal the explicit matrices', () => {
  it('circulant: y = (R D x)[0..out), R = circ(r), x zero-padded to K', () => {
    const L = loadLayerSpec(circ({ inputs: 12, outputs: 10 }));
    const p = L.plan as CirculantPlan;
    const x = makeVectors(9, 12, 8, 3)[8].x;
    const s = Array.from({ length: 16 }, (_, i) => (i < 12 ? toReal(x[i], p.xFormat) * p.signs[i] : 0));
    const want = matVec(circMatrix(p.r), s).slice(0, 10);
    L.kind.float(p, x).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
  });
  it('block-circulant: y = W x with W the p x q grid of circ(w_ij), padded', () => {
    const L = loadLayerSpec(bcirc({ inputs: 20, outputs: 13 }));
    const p = L.plan as BlockCirculantPlan;
    const x = makeVectors(9, 20, 8, 4)[8].x;
    const xr = Array.from({ length: p.q * 8 }, (_, e) => (e < 20 ? toReal(x[e], p.xFormat) : 0));
    const W = Array.from({ length: p.p * 8 }, (_, r) => Array.from({ length: p.q * 8 }, (_, c) => circMatrix(p.w[Math.floor(r / 8)][Math.floor(c / 8)])[r % 8][c % 8]));
    const want = matVec(W, xr).slice(0, 13);
    L.kind.float(p, x).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
  });
  it('diag-circulant: y = d o (C x) + b', () => {
    const L = loadLayerSpec(dcirc({ inputs: 16, outputs: 9 }));
    const p = L.plan as DiagCirculantPlan;
    const x = makeVectors(9, 16, 8, 5)[8].x;
    const cx = matVec(circMatrix(p.c), x.map((v) => toReal(v, p.xFormat)));
    L.kind.float(p, x).forEach((v, i) => expect(v).toBeCloseTo(p.dReal[i] * cx[i] + p.biasReal[i], 12));
  });
});

describe('fixed-point models against the float ones', () => {
  // Random inputs in the input format; formats chosen so nothing saturates. The error is
  // the output rounding (half an LSB) plus the FFTs', the spectral products' and the
  // spectrum quantisation's, which the formats keep below one more output LSB or two.
  const cases: [string, object, number][] = [
    ['circulant 256', { kind: 'circulant', inputs: 256, outputs: 256, output: { format: { int: 2, frac: 5 } } }, 1],
    ['circulant 200 -> 100', { kind: 'circulant', inputs: 200, outputs: 100, output: { format: { int: 2, frac: 5 } } }, 1],
    ['diag-circulant 256', { kind: 'diag-circulant', inputs: 256, outputs: 256, output: { format: { int: 2, frac: 5 } } }, 1.5],
    ['block-circulant 128 -> 64, k 8, 8-bit spectra', { kind: 'block-circulant', inputs: 128, outputs: 64, blockSize: 8, output: { format: { int: 2, frac: 5 } } }, 1.5],
    ['circulant 12 -> 10, mixed forward scaling', { kind: 'circulant', inputs: 12, outputs: 10, fft: { dataWidth: 14, twiddleWidth: 12, scaling: [1, 1, 0, 1] }, output: { format: { int: 1, frac: 6 } } }, 1],
    ['block-circulant 64 -> 64, k 8, unscaled 12-bit FFT', { kind: 'block-circulant', inputs: 64, outputs: 64, blockSize: 8, fft: { scaling: 'none', dataWidth: 12 }, output: { format: { int: 1, frac: 6 } } }, 2],
    ['diag-circulant 32, mixed scaling both ways', { kind: 'diag-circulant', inputs: 32, outputs: 32, fft: { scaling: [0, 1, 1, 1, 1], inverseScaling: [0, 0, 0, 0, 1] }, output: { format: { int: 3, frac: 4 } } }, 1],
    ['block-circulant 128 -> 64, k 8, 16-bit spectra', { kind: 'block-circulant', inputs: 128, outputs: 64, blockSize: 8, weights: { init: 'random', spectrumWidth: 16 }, output: { format: { int: 2, frac: 5 } } }, 1],
  ];
  for (const [name, spec, bound] of cases) {
    it(`${name}: |fixed - float| <= ${bound} output LSB`, () => {
      const L = loadLayerSpec(spec);
      const sh = L.kind.shape(L.plan);
      let worst = 0;
      for (const v of makeVectors(28, sh.inputs, sh.inWidth, 21).slice(8)) {
        const r = L.kind.reference(L.plan, v.x);
        expect(r.overflow).toBe(false);
        const f = L.kind.float(L.plan, v.x);
        r.y.forEach((y, i) => { worst = Math.max(worst, Math.abs(L.kind.outputToReal(L.plan, y) - f[i]) * 2 ** sh.outFormat!.frac); });
      }
      expect(worst).toBeLessThanOrEqual(bound);
    });
  }
  it('8-bit spectra cost accuracy: the 16-bit ones track the float model more closely', () => {
    const err = (spectrumWidth: number) => {
      const L = loadLayerSpec({ kind: 'block-circulant', inputs: 64, outputs: 64, blockSize: 8, weights: { init: 'random', spectrumWidth }, output: { format: { int: 3, frac: 9 } } });
      let e = 0;
      for (const v of makeVectors(18, 64, 8, 2).slice(8)) {
        const f = L.kind.float(L.plan, v.x);
        L.kind.reference(L.plan, v.x).y.forEach((y, i) => { e += (L.kind.outputToReal(L.plan, y) - f[i]) ** 2; });
      }
      return e;
    };
    expect(err(16)).toBeLessThan(err(8) / 10);
  });
});

describe('spectra and storage', () => {
  it('a real vector\'s spectrum is conjugate symmetric: k/2 + 1 stored bins give all k', () => {
    const rnd = realSource(7);
    const w = Array.from({ length: 16 }, () => rnd.uniform());
    const full = dftReal(w);
    const half = halfSpectrum(w);
    expect(half).toHaveLength(9);
    for (let f = 0; f < 16; f++) {
      const [re, im] = fromHalf(half, 16, f);
      expect(re).toBeCloseTo(full[f][0], 12);
      expect(im).toBeCloseTo(full[f][1], 12);
    }
    // DC and Nyquist are real
    expect(half[0][1]).toBe(0);
    expect(Math.abs(half[8][1])).toBeLessThan(1e-15);
  });
  it('block-circulant stores k/2 + 1 bins per block and loads them in the documented order', () => {
    const p = loadLayerSpec({ kind: 'block-circulant', inputs: 784, outputs: 784, blockSize: 16, memory: 'spram' }).plan as BlockCirculantPlan;
    expect(p.H[0][0]).toHaveLength(9);
    expect(p.wordsPerLane).toBe(49 * 9 * 49);
    expect(p.spramBlocks).toBe(2);
    const words = bcircLoadWords(p);
    expect(words).toHaveLength(49 * 9 * 49);
    // word (g*B + f)*q + j of lane 0 is H_{g, j}[f], {im, re} in 8 bits each
    const [re, im] = p.H[3][5][2];
    expect(words[(3 * 9 + 2) * 49 + 5]).toBe(((im & 0xff) << 8) | (re & 0xff));
  });
  it('memory "auto" keeps small spectra in EBR and moves large ones to SPRAM', () => {
    expect((loadLayerSpec(bcirc()).plan as BlockCirculantPlan).memory).toBe('ebr');
    expect((loadLayerSpec({ kind: 'block-circulant', inputs: 784, outputs: 784, blockSize: 16 }).plan as BlockCirculantPlan).memory).toBe('spram');
  });
});

describe('cycle models', () => {
  it('block-circulant: the schedule model closes to n + ceil(p/P)(k/2+1)q + (L+1)k + 2 L_FFT + 11 when nothing waits', () => {
    const shapes: [number, number, number, number][] = [[784, 784, 16, 1], [128, 64, 8, 1], [128, 64, 8, 3], [100, 50, 4, 3], [64, 64, 8, 8], [256, 10, 16, 1]];
    for (const [n, m, k, macs] of shapes) {
      const p = loadLayerSpec({ kind: 'block-circulant', inputs: n, outputs: m, blockSize: k, macs }).plan as BlockCirculantPlan;
      const c = loadLayerSpec({ kind: 'block-circulant', inputs: n, outputs: m, blockSize: k, macs }).kind.cost(p).cycles;
      const mac = p.groups * p.bins * p.q;
      expect(c.latency).toBe(n + mac + (p.lastLanes + 1) * k + 2 * p.fftLatency + 11);
      expect(c.period).toBe(n + mac + (p.lastLanes + 1) * k + p.fftLatency + 9);
    }
  });
  it('streaming kinds: in + out + L_FFT + L_IFFT + 6 (circulant) or + 8 (diag-circulant), one vector per K + 1 cycles', () => {
    const c = loadLayerSpec(circ({ inputs: 12, outputs: 10 }));
    const cp = c.plan as CirculantPlan;
    if (cp.core.arch !== 'streaming') throw new Error('expected the streaming core');
    expect(c.kind.cost(cp).cycles.latency).toBe(12 + 10 + cp.core.fwdLatency + cp.core.invLatency + 6);
    expect(c.kind.cost(cp).cycles.period).toBe(17);
    const d = loadLayerSpec(dcirc({ inputs: 16, outputs: 9 }));
    const dp = d.plan as DiagCirculantPlan;
    if (dp.core.arch !== 'streaming') throw new Error('expected the streaming core');
    expect(d.kind.cost(dp).cycles.latency).toBe(16 + 9 + dp.core.fwdLatency + dp.core.invLatency + 8);
  });
});

describe('parameter counts', () => {
  it('circulant K, diag-circulant K + 2 outputs, block-circulant p q k', () => {
    expect(loadDesign('examples/circulant-256.json').cost().ops.parameters).toBe(256);
    expect(loadDesign('examples/diagcirc-chain.json').cost().ops.parameters).toBe(2 * (256 + 2 * 256));
    // 49 x 49 blocks of 16, plus dense 784 -> 10 with biases
    expect(loadDesign('examples/mnist-blockcirc.json').cost().ops.parameters).toBe(49 * 49 * 16 + 7850);
  });
});

describe('circa fft-report', () => {
  it('prints one row per configuration from the bit-exact model', () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
    try {
      expect(fftReportCommand('16', { width: [12, 16], twiddleWidth: [16], rounding: ['convergent'], vectors: 4, seed: 1, multipliers: 4, json: true })).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const r = JSON.parse(out.join('')) as { n: number; rows: { dataWidth: number; sqnrDb: number }[] };
    expect(r.n).toBe(16);
    expect(r.rows.map((x) => x.dataWidth)).toEqual([12, 16]);
    // each 4 more bits of data give ~24 dB
    expect(r.rows[1].sqnrDb - r.rows[0].sqnrDb).toBeGreaterThan(18);
  });
  it('rejects N that is not a power of two in 4..1024 (exit code 2)', async () => {
    expect(() => fftReportCommand('48', { width: [16], twiddleWidth: [16], rounding: ['convergent'], vectors: 1, seed: 1, multipliers: 4 }))
      .toThrow('<N>: must be a power of two in 4..1024, got 48');
    try {
      fftReportCommand('2048', { width: [16], twiddleWidth: [16], rounding: ['convergent'], vectors: 1, seed: 1, multipliers: 4 });
    } catch (e) {
      expect((e as CircaInputError).exitCode).toBe(2);
    }
  });
});
