/**
 * Block-circulant conv2d and conv1d without tools: the circulant convention
 * (W[o][c] = w[o/k][c/k][(o - c) mod k] at every kernel position), the
 * reference equal to the dense conv with the expanded weights (every output,
 * several configurations), the spec's named errors (and the command's exit
 * 2), the train face's compact tensor, the weight memory's shape, the
 * run-time registers of the weights in SPRAM, and `sweep --vary lanes`.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import type { Conv2dPlan } from '../src/layers/conv2d/plan.ts';
import { conv2dLoadWords, conv2dParams } from '../src/layers/conv2d/rtl.ts';
import { runNode } from './run-node.ts';

const root = join(import.meta.dirname, '..');

/** reals on the Q0.7 grid from a seed */
function grid(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31), (Math.floor((s / 2 ** 31) * 255) - 127) / 128);
}

/** compact values [m/k][c/k][k][kh][kw] */
function compact(m: number, c: number, k: number, kh: number, kw: number, seed: number): number[][][][][] {
  const next = grid(seed);
  return Array.from({ length: m / k }, () => Array.from({ length: c / k }, () => Array.from({ length: k }, () =>
    Array.from({ length: kh }, () => Array.from({ length: kw }, next)))));
}

/** the dense [m][c][kh][kw] of compact values, written out independently of the plan */
function expand(w: number[][][][][], m: number, c: number, k: number): number[][][][] {
  const out: number[][][][] = [];
  for (let o = 0; o < m; o++) {
    out.push([]);
    for (let ci = 0; ci < c; ci++) {
      let t = (o - ci) % k;
      if (t < 0) t += k;
      out[o].push(w[Math.floor(o / k)][Math.floor(ci / k)][t]);
    }
  }
  return out;
}

function conv(spec: object): LoadedLayer<Conv2dPlan> {
  return loadLayerSpec({ kind: 'conv2d', name: 'cv', ...spec }) as LoadedLayer<Conv2dPlan>;
}

describe('block-circulant conv: reference equals the dense conv with the expanded weights', () => {
  const configs = [
    { height: 5, width: 6, channels: 4, outChannels: 4, kernel: 3, blockSize: 2, lanes: 2 },
    { height: 6, width: 5, channels: 8, outChannels: 4, kernel: 3, blockSize: 4, lanes: 1, stride: 2, padding: 'same', beat: 2 },
    { height: 4, width: 4, channels: 6, outChannels: 9, kernel: 2, blockSize: 3, lanes: 3, activation: 'hardtanh' },
    { height: 5, width: 5, channels: 8, outChannels: 16, kernel: 3, blockSize: 8, lanes: 4, padding: 'same' },
    { height: 4, width: 6, channels: 4, outChannels: 8, kernel: 3, blockSize: 4, lanes: 8, activation: 'relu' },
  ];
  for (const cfg of configs) {
    it(`${JSON.stringify(cfg)}: every output of 4 vectors, value for value`, () => {
      const { channels: c, outChannels: m, kernel: kw, blockSize: k } = cfg;
      const values = compact(m, c, k, kw, kw, m * 7 + c);
      const bias = Array.from({ length: m }, (_, i) => (i % 5) / 8 - 0.25);
      const output = { format: { int: 2, frac: 5 }, rounding: 'half-up' };
      const bc = conv({ ...cfg, structure: 'block-circulant', weights: { values, bias }, output });
      const { blockSize: _b, ...rest } = cfg;
      const dense = conv({ ...rest, weights: { values: expand(values, m, c, k), bias }, output });
      expect(bc.plan.weights).toEqual(dense.plan.weights);
      expect(bc.plan.bcWeights).toHaveLength(m * c * kw * kw / k);
      for (const v of makeVectors(4, cfg.height * cfg.width * c, 8, 5)) {
        const got = bc.kind.reference(bc.plan, v.x);
        expect(got).toEqual(dense.kind.reference(dense.plan, v.x));
        expect(bc.kind.float(bc.plan, v.x)).toEqual(dense.kind.float(dense.plan, v.x));
      }
    });
  }

  it('random init: the plan\'s weights are the expansion of its k values per block and kernel position', () => {
    const l = conv({ height: 5, width: 5, channels: 6, outChannels: 6, kernel: 3, structure: 'block-circulant', blockSize: 3, weights: { init: 'random', seed: 4 } });
    const p = l.plan;
    const kpos = 9;
    for (let o = 0; o < 6; o++) {
      for (let ci = 0; ci < 6; ci++) {
        const t = (((o - ci) % 3) + 3) % 3;
        for (let pos = 0; pos < kpos; pos++) {
          expect(p.weights[o][pos * 6 + ci]).toBe(p.bcWeights[((Math.floor(o / 3) * 2 + Math.floor(ci / 3)) * 3 + t) * kpos + pos]);
        }
      }
    }
    // 2 x 2 blocks x 3 values x 9 positions stored, not 6 x 6 x 9
    expect(l.kind.cost(p).ops.parameters).toBe(2 * 2 * 3 * 9 + 6);
  });

  it('the train face: the compact tensor [m/k][c/k][k][kh][kw]; inject(values()) plans the same weights', () => {
    const l = conv({ height: 5, width: 5, channels: 4, outChannels: 8, kernel: 3, structure: 'block-circulant', blockSize: 4, weights: { init: 'random', seed: 9 } });
    const face = l.kind.train!;
    expect(face.tensors(l.plan).map((t) => t.shape)).toEqual([[2, 1, 4, 3, 3], [8]]);
    const back = face.inject(l.spec as never, face.values(l.plan), { raw: false });
    const again = conv(back as object);
    expect(again.plan.bcWeights).toEqual(l.plan.bcWeights);
    expect(again.plan.weights).toEqual(l.plan.weights);
  });

  it('conv1d: block-circulant [outChannels/k][channels/k][k][kernel] equals the dense conv1d with the expanded weights', () => {
    const m = 8, c = 4, k = 4, kw = 3;
    const next = grid(3);
    const values = Array.from({ length: m / k }, () => Array.from({ length: c / k }, () => Array.from({ length: k }, () => Array.from({ length: kw }, next))));
    const dense = values.length && Array.from({ length: m }, (_, o) => Array.from({ length: c }, (_, ci) => values[Math.floor(o / k)][Math.floor(ci / k)][(((o - ci) % k) + k) % k]));
    const base = { kind: 'conv1d', name: 'c1', length: 9, channels: c, outChannels: m, kernel: kw, stride: 2, padding: 'same', lanes: 2 };
    const bc = loadLayerSpec({ ...base, structure: 'block-circulant', blockSize: k, weights: { values } });
    const dn = loadLayerSpec({ ...base, weights: { values: dense } });
    for (const v of makeVectors(3, 9 * c, 8, 2)) expect(bc.kind.reference(bc.plan, v.x)).toEqual(dn.kind.reference(dn.plan, v.x));
    const face = bc.kind.train!;
    expect(face.tensors(bc.plan).map((t) => t.shape)).toEqual([[2, 1, 4, 3], [8]]);
    // inject(values()) gives back the spec's layout
    const back = face.inject(bc.spec as never, face.values(bc.plan), { raw: false }) as { weights: { values: unknown } };
    expect(back.weights.values).toEqual(values);
  });
});

describe('block-circulant conv spec errors name the field and the numbers', () => {
  const base = { height: 6, width: 6, channels: 8, outChannels: 12, kernel: 3, structure: 'block-circulant', weights: { init: 'random', seed: 1 } };
  const bad = (spec: object, re: RegExp) => expect(() => conv({ ...base, ...spec })).toThrow(re);
  it('blockSize: not a divisor, missing, or without the structure; lanes; values shape', () => {
    bad({ blockSize: 3 }, /^blockSize: 3 does not divide channels 8: the block size divides outChannels 12 and channels 8, one of 1, 2, 4$/);
    bad({ blockSize: 8 }, /^blockSize: 8 does not divide outChannels 12: .* one of 1, 2, 4$/);
    bad({ blockSize: undefined }, /^blockSize: required with "structure": "block-circulant": one of 1, 2, 4/);
    bad({ structure: 'dense', blockSize: 4 }, /^blockSize: only used with "structure": "block-circulant"$/);
    bad({ blockSize: 4, lanes: 3 }, /^lanes: with "structure": "block-circulant" the lanes divide the block size 4 or are a multiple of it: one of 1, 2, 4, 8, 12, got 3$/);
    bad({ blockSize: 4, weights: { values: compact(12, 8, 4, 3, 2, 1) } }, /^weights\.values\[0\]\[0\]\[0\]\[0\]: expected 3 kernel columns \(block-circulant layout \[outChannels\/k 3\]\[channels\/k 2\]\[k 4\]\[kernel 3\]\[kernel 3\]\), got 2$/);
    bad({ blockSize: 4, weights: { values: compact(12, 8, 2, 3, 3, 1) } }, /^weights\.values: expected 3 block rows \(outChannels \/ blockSize\) .*got 6$/);
  });

  it('the command exits 2 with one line naming blockSize and the divisors, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circa-bcconv-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ kind: 'conv2d', name: 'c', ...base, blockSize: 5 }));
    const r = await runNode('bin/circa.mjs', ['generate', file, '--output', join(dir, 'out')], root);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/blockSize: 5 does not divide outChannels 12: .*one of 1, 2, 4/);
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });
});

describe('the weight memory: k values per block and kernel position', () => {
  it('words, slots and the ROM size for P < k, P = k, P > k; the SPRAM load words; vary lanes keeps a valid count', () => {
    const base = { height: 12, width: 12, channels: 8, outChannels: 16, kernel: 5, structure: 'block-circulant', weights: { init: 'random', seed: 2 } };
    const shape = (spec: object) => {
      const p = conv({ ...base, ...spec }).plan;
      return [p.romDepth, p.slots, p.groupsPerRow, p.blockRows, p.wordWidth];
    };
    // 16/4 = 4 block rows x 25 positions x 8/4 = 2 block columns
    expect(shape({ blockSize: 4, lanes: 2 })).toEqual([200, 4, 2, 1, 32]);
    expect(shape({ blockSize: 4, lanes: 4 })).toEqual([200, 4, 1, 1, 32]);
    expect(shape({ blockSize: 4, lanes: 8 })).toEqual([100, 8, 1, 2, 64]);
    expect(shape({ blockSize: 8, lanes: 8 })).toEqual([50, 8, 1, 1, 64]);
    // the dense layer: G*KK = 2 x 200 words of 8 lanes
    expect(shape({ structure: 'dense', lanes: 8 })).toEqual([400, 8, 1, 1, 64]);
    // the words hold every stored value once (zero padding only past the last block row)
    const p = conv({ ...base, blockSize: 4, lanes: 2, memory: 'spram' }).plan;
    const words = conv2dLoadWords(p);
    expect(words).toHaveLength(200);
    const slot = (a: number, s: number) => Number(BigInt.asIntN(8, (words[a] >> BigInt(8 * s)) & 255n));
    // word (rg*25 + pos)*2 + bc, slot t = w[rg][bc][t][pos]
    for (const [rg, pos, bc, t] of [[0, 0, 0, 0], [1, 7, 1, 3], [3, 24, 1, 2]]) {
      expect(slot((rg * 25 + pos) * 2 + bc, t)).toBe(p.bcWeights[(((rg * 2 + bc) * 4 + t) * 5 + Math.floor(pos / 5)) * 5 + (pos % 5)]);
    }
    expect(conv2dParams(p)).toMatchObject({ BK: 4, SLOTS: 4, GPR: 2, WA_W: 8, CB_W: 2, GR_W: 1 });
    const l = conv({ ...base, blockSize: 4 });
    const spec = { ...base, blockSize: 4 } as Record<string, unknown>;
    for (const [want, got] of [[3, 2], [6, 4], [12, 12], [16, 16], [7, 4], [1, 1]]) {
      l.kind.vary!.lanes!(spec, want);
      expect(spec.lanes, `vary lanes ${want}`).toBe(got);
    }
  });

  it('memory "spram": registers load the words; a changed word changes the reference as the decoded weights say', () => {
    const spec = { height: 5, width: 5, channels: 4, outChannels: 4, kernel: 3, structure: 'block-circulant', blockSize: 2, lanes: 2, memory: 'spram',
      weights: { init: 'random', seed: 6, scale: 0.5 }, output: { format: { int: 3, frac: 4 } } };
    const l = conv(spec);
    const r = l.kind.registers!(l.plan)!;
    const words = conv2dLoadWords(l.plan);
    expect(r.setup().writes).toEqual([{ reg: 0, value: 0 }, ...words.map((w) => ({ reg: 1, value: Number(w) }))]);
    const [v] = makeVectors(1, 100, 8, 4);
    expect(r.reference(v.x)).toEqual(l.kind.reference(l.plan, v.x));
    // rewrite word 0 (block row 0, position (0, 0), block column 0) with w[0][0][t] = t + 1
    r.write(0, 0);
    const eff = r.write(1, (1 << 0) | (2 << 8));
    expect(eff.effect).toBe("word 0: w[0][0][0][0][0] = 1, w[0][0][1][0][0] = 2 (not the spec's)");
    const values = Array.from({ length: 2 }, (_, bo) => Array.from({ length: 2 }, (_, bc) => Array.from({ length: 2 }, (_, t) => Array.from({ length: 3 }, (_, ky) =>
      Array.from({ length: 3 }, (_, kx) => (bo === 0 && bc === 0 && ky === 0 && kx === 0 ? t + 1 : l.plan.bcWeights[(((bo * 2 + bc) * 2 + t) * 3 + ky) * 3 + kx]))))));
    const changed = conv({ ...spec, memory: 'auto', weights: { values, bias: l.plan.bias, raw: true } });
    expect(r.reference(v.x)).toEqual(changed.kind.reference(changed.plan, v.x));
    expect(r.reference(v.x)).not.toEqual(l.kind.reference(l.plan, v.x));
    // a block-circulant SPRAM word wider than a WRITE_REG value: named error
    expect(() => conv({ ...spec, channels: 8, outChannels: 8, blockSize: 8, lanes: 8 })).toThrow(/^blockSize: with "memory": "spram" a weight word \(8 circulant values x weight width = 8 x 8 = 64 bits\)/);
  });
});
