/**
 * FFT hardware for the resource faces: one streaming FFT/IFFT pipeline
 * (fftPart, used by the fft, circulant, diag-circulant and block-circulant
 * kinds), the folded engine (foldedEnginePart), and the fft kind's own face.
 */
import type { FftPlan, EngineNumerics, FoldedPass } from '../../fft/index.ts';
import { mulY, type ArithUse, type KindFeatures, type LayerResources, type MemoryUse, type MultiplierSpec, type ResourceContext } from '../resources.ts';
import type { FftLayerPlan } from './plan.ts';

/** The hardware of one FFT pipeline, to be merged into the layer that holds it. */
export interface FftPart {
  memories: MemoryUse[];
  multipliers: MultiplierSpec[];
  arith: ArithUse;
  features: KindFeatures;
}

/**
 * One FFT/IFFT pipeline of src/fft (generateFftRtl), `uses` transforms per
 * inference (a block-circulant layer sends q input and p output blocks
 * through its one FFT), `cycles` cycles enabled per inference:
 *   fft_sdf_bf + fft_delay   per butterfly: the delay line, a memory when
 *                            plan.useRam (D >= 32 words: D x 2 W_F RAM),
 *                            else D x 2 W_F flip-flops; adders, rounding,
 *                            saturation on W_F = W_in + 1 bits
 *   fft_cmul + <top>_twN_rom per twiddle stage: the ROM (L x 3 TW; EBR with
 *                            rom_style "block" when plan.romInEbr, L >= 64;
 *                            else a case ROM that yosys keeps in LUTs), and
 *                            `multipliers` (4 or 3) W x TW products (the
 *                            3-multiplier k1 = (a + b) c is W + 1 bits wide)
 *   fft_skid / fft_bitrev    the two-word output buffer, or the reorder
 *                            buffer (RAM, 2N x 2 W) with naturalOrder
 * Features of the LUT/FF model (./coefficients.ts, fitted on `fft` layers and
 * shared by every kind that holds an FFT): fft (pipelines), bfBits (sum of
 * W_F), bfRound (the same over the butterflies that shift and round),
 * ffDelay (delay-line bits in flip-flops), ramDelay (pointer bits of the
 * delay lines in EBR), twBits (sum of W + TW over the twiddle stages),
 * outBuf (skid buffer bits, or the reorder buffer's counters).
 */
export function fftPart(name: string, f: FftPlan, uses: number, cycles: number): FftPart {
  const n = f.n;
  const tw = f.spec.twiddleWidth;
  const rounds = f.spec.rounding !== 'truncate';
  const samples = uses * n;
  const memories: MemoryUse[] = [];
  const multipliers: MultiplierSpec[] = [];
  const multiplies: ArithUse['multiplies'] = [];
  const adds: ArithUse['adds'] = [];
  const feat = { fft: 1, bfBits: 0, bfRound: 0, ffDelay: 0, ramDelay: 0, twBits: 0, outBuf: 0 };
  for (const b of f.butterflies) {
    feat.bfBits += b.fifoWidth;
    if (b.shift > 0 && rounds) feat.bfRound += b.fifoWidth;
    if (b.useRam) {
      feat.ramDelay += b.log2Delay;
      memories.push({
        name: `${name}.bf${b.bf}.delay`, depth: b.delay, width: 2 * b.fifoWidth, rom: false,
        writes: samples, reads: samples, usefulReads: samples, weights: false,
      });
    } else {
      feat.ffDelay += b.delay * 2 * b.fifoWidth;
    }
    adds.push({ width: b.fifoWidth + 1, count: 4 * samples });
    if (b.shift > 0 && rounds) adds.push({ width: b.wOut + 1, count: 2 * samples });
  }
  for (const t of f.twiddles) {
    feat.twBits += t.width + tw;
    memories.push({
      name: `${name}.tw${t.tw}.rom`, depth: t.len, width: 3 * tw, rom: true, forceBlock: t.romInEbr,
      writes: 0, reads: cycles, usefulReads: samples, weights: false,
    });
    const w = t.width;
    if (f.spec.multipliers === 3) {
      multipliers.push({ name: `${name}.tw${t.tw}.k1`, a: w + 1, b: tw, y: w + tw + 1, count: 1 });
      multipliers.push({ name: `${name}.tw${t.tw}.k2k3`, a: w, b: tw, y: w + tw, count: 2 });
      multiplies.push({ a: w + 1, b: tw, y: w + tw + 1, count: samples }, { a: w, b: tw, y: w + tw, count: 2 * samples });
      adds.push({ width: w + 1, count: samples });
    } else {
      multipliers.push({ name: `${name}.tw${t.tw}.mul`, a: w, b: tw, y: w + tw, count: 4 });
      multiplies.push({ a: w, b: tw, y: w + tw, count: 4 * samples });
    }
    adds.push({ width: w + tw, count: 2 * samples });
    if (rounds) adds.push({ width: w + 3, count: 2 * samples });
  }
  if (f.reorder !== 'none') {
    const w = 2 * (f.reorder === 'output' ? f.outWidth : f.inWidth);
    memories.push({ name: `${name}.reorder`, depth: 2 * n, width: w, rom: false, writes: samples, reads: samples, usefulReads: samples, weights: false });
  }
  // the skid buffer's two words, or the reorder buffer's counters and bank flags
  feat.outBuf = f.reorder === 'output' ? 2 * f.log2n + 6 : 4 * f.outWidth;
  return { memories, multipliers, arith: { multiplies, adds }, features: feat };
}

/**
 * The folded FFT engine (src/fft/folded-rtl.ts): two fold_bank memories
 * (N/2B words of B complex samples each), per butterfly unit a twiddle ROM
 * (the first quarter: N/4 x 2 TW) and, for the circulant layers, a spectrum ROM (K/2 x 2 H_W),
 * and one complex multiplier (4 real W x VW products, or 3 with Gauss: one
 * (W + 1) x FW and two W x FW). Features of its LUT/FF model ('folded-fft',
 * ../circulant-common/folded-coefficients.ts): one, unitBits (B x W: the units' datapath), ctrl
 * (log2 N: counters, address generation, pass table), outBits (the output
 * FIFO's word width; the FIFO is in flip-flops, ram_style "logic"), layer
 * (1 for a circulant core: loader, spectral product addressing, output
 * stage) and signs (the sign flip's inputs: a constant bit per input).
 */
export function foldedEnginePart(
  name: string,
  e: EngineNumerics,
  multipliers: 3 | 4,
  passes: readonly FoldedPass[],
  cycles: number,
  io: { inputs: number; outputs: number; outBits: number },
  pmul?: { hWidth: number; spectra?: number },
): FftPart {
  const B = e.butterflies;
  const W = e.memWidth;
  const TW = e.twiddleWidth;
  const HW = pmul?.hWidth ?? TW;
  const VW = Math.max(TW, HW);
  const FW = multipliers === 3 && pmul ? Math.max(TW, HW + 1) : VW;
  const ops = passes.reduce((a, p) => a + p.ops, 0);
  const bfOps = passes.filter((p) => p.mode !== 'pmul').length * (e.n / 2);
  const pmOps = passes.filter((p) => p.mode === 'pmul').length * e.n;
  const spectra = pmul?.spectra ?? 1;
  const memories: MemoryUse[] = [0, 1].map((k) => ({
    name: `${name}.bank${k}`, depth: e.n / (2 * B), width: B * 2 * W, rom: false,
    writes: (ops + e.n / B) / 2, reads: (ops + io.outputs) / 2, usefulReads: (ops + io.outputs) / 2, weights: false,
  }));
  for (let i = 0; i < B; i++) {
    memories.push({
      name: `${name}.twrom${i}`, depth: e.n / 4, width: 2 * TW, rom: true, forceBlock: e.n / 4 >= 64,
      writes: 0, reads: cycles, usefulReads: bfOps / B, weights: false,
    });
    if (pmul) {
      memories.push({
        name: `${name}.hrom${i}`, depth: spectra * e.n / 2, width: 2 * HW, rom: true, forceBlock: e.n / 2 >= 64,
        writes: 0, reads: cycles, usefulReads: pmOps / B, weights: true,
      });
    }
  }
  const products = bfOps + pmOps;
  const mul: MultiplierSpec[] = multipliers === 3
    ? [
        { name: `${name}.bfu.k1`, a: W + 1, b: FW, y: W + 1 + FW, count: B },
        { name: `${name}.bfu.k2k3`, a: W, b: FW, y: W + FW, count: 2 * B },
      ]
    : [{ name: `${name}.bfu.mul`, a: W, b: VW, y: W + VW, count: 4 * B }];
  const multiplies: ArithUse['multiplies'] = multipliers === 3
    ? [{ a: W + 1, b: FW, y: W + 1 + FW, count: products }, { a: W, b: FW, y: W + FW, count: 2 * products }]
    : [{ a: W, b: VW, y: W + VW, count: 4 * products }];
  const adds: ArithUse['adds'] = [
    { width: W + 1, count: 4 * bfOps },
    { width: W + VW + 2, count: 2 * products },
    { width: W + 1, count: 4 * bfOps },
  ];
  return {
    memories,
    multipliers: mul,
    arith: { multiplies, adds },
    features: { one: 1, unitBits: B * W, ctrl: e.log2n, outBits: io.outBits, layer: 0, signs: 0 },
  };
}

/** The fft kind (src/layers/fft): one pipeline, nothing around it. */
export function fftResources(p: FftLayerPlan, { name, cycles }: ResourceContext): LayerResources {
  if (p.architecture === 'folded') {
    const part = foldedEnginePart(name, p, p.spec.multipliers, p.passes, cycles, { inputs: p.n, outputs: p.n, outBits: 2 * p.memWidth });
    return {
      model: 'folded-fft', memories: part.memories, multipliers: part.multipliers, arith: part.arith,
      features: { ...part.features, mulY: mulY(part.multipliers) },
    };
  }
  const part = fftPart(name, p, 1, cycles);
  return {
    memories: part.memories, multipliers: part.multipliers, arith: part.arith,
    features: { one: 1, ...part.features, mulY: mulY(part.multipliers) },
  };
}

