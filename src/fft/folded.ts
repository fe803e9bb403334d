/**
 * The folded (memory-based) FFT engine: plan, bit-exact model and cycle
 * model. The RTL is folded-rtl.ts; the datapath of one butterfly unit is
 * rtl-templates/fold_bfu.v.
 *
 * One engine holds a whole N-point vector in two EBR banks and runs the
 * transform as log2(N) in-place radix-2 passes, one after another, with B
 * butterfly units working in parallel (each one complex multiplier on 4 or
 * 3 real multipliers). A pass is one of:
 *
 *   dif  (decimation in frequency, half h = N/2 .. 1):
 *          top = fit(round((a + b) >> s)),  d = fit(round((a - b) >> s)),
 *          bottom = fit(round(d * W >> (TW - 2)))
 *   dit  (decimation in time, h = 1 .. N/2; the inverse of a circulant layer):
 *          m = fit(round(b * W >> (TW - 2))),
 *          top = fit(round((a + m) >> s)),  bottom = fit(round((a - m) >> s))
 *   pmul (the circulant layers' spectral product, one sample per unit):
 *          x = fit(round(x * H[bin] >> shift))
 *
 * for the pairs (a, b) = (x[p], x[p + h]) of blocks of 2h, j = p mod h and
 * W = W_N^(j N / 2h) (W_N = exp(-2 pi i / N)), conjugated for an inverse
 * transform; s is the pass's shift (0 or 1, the scaling schedule), every fit
 * saturates or wraps into the memory width with a sticky overflow flag. So
 * the rounding points follow the folded schedule (one rounding after each
 * butterfly's add and one after each product), not the streaming one.
 *
 * Memory: words of B complex samples (word w = positions wB .. wB + B - 1),
 * word w in bank parity(w) at offset w >> 1. A pair of words whose addresses
 * differ in one bit always sits in different banks, so each cycle reads one
 * word from each bank and writes one to each: B butterflies per cycle. While
 * h >= B a unit pairs lane i of two words h / B apart; for h < B the two
 * words are neighbours (2k, 2k + 1) and the units pair lanes inside them.
 *
 * The data never leaves the memory between passes, so input and output
 * orders are only the order of the load and unload addresses: the forward
 * transform (DIF) takes natural order and leaves the spectrum bit-reversed in
 * memory; unload reads it in bit-reversed order (natural spectrum out) when
 * `naturalOrder` is set, in memory order otherwise; the inverse transform
 * (DIF with conjugated twiddles) loads bit-reversed input positions unless
 * `naturalOrder`, and always unloads natural order: the same orders as the
 * streaming pipeline's, and no reorder buffer.
 */
import { quantize, requantize, q, type QFormat, type Rounding, type Overflow } from '../fixed/index.ts';
import { bitReverse, unitRoot } from './plan.ts';
import { log2Exact, shiftSchedule, validateFftSpec, type FftSpec, type FftSpecInput } from './spec.ts';
import { bitReversePermute, type Cplx } from './reference.ts';
import { idealTransform } from './reference.ts';

export type PassMode = 'dif' | 'dit' | 'pmul';

export interface FoldedPass {
  mode: PassMode;
  /** log2 of the pair distance h (dif/dit); 0 for pmul */
  log2Half: number;
  /** right shift after the butterfly's add (0 or 1) */
  shift: number;
  /** conjugate the twiddles (an inverse transform) */
  conj: boolean;
  /** issue cycles: N / 2B for dif/dit, N / B for pmul */
  ops: number;
}

/** What the engine computes with: widths, rounding, the quantised twiddle table. */
export interface EngineNumerics {
  n: number;
  log2n: number;
  butterflies: number;
  /** sample width (each part) in the memory and through every pass */
  memWidth: number;
  twiddleWidth: number;
  rounding: Rounding;
  overflow: Overflow;
  /** W_N^e for e = 0 .. N/2 - 1, raw Q1.(TW-2): re = cos, im = -sin */
  twRe: number[];
  twIm: number[];
}

export interface FoldedFftPlan extends EngineNumerics {
  architecture: 'folded';
  spec: FftSpec;
  inverse: boolean;
  passes: FoldedPass[];
  shifts: number[];
  /** output = DFT * 2^-totalShift (forward) or N * IDFT * 2^-totalShift (inverse) */
  totalShift: number;
  inWidth: number;
  outWidth: number;
  twiddleFormat: QFormat;
  /** load position t at memory position bitrev(t) */
  loadRev: boolean;
  /** unload output f from memory position bitrev(f) */
  unloadRev: boolean;
  inputOrder: 'natural' | 'bit-reversed';
  outputOrder: 'natural' | 'bit-reversed';
}

/**
 * Cycles from a pass's issue of a pair to its write into memory: the address
 * register, the EBR read, the unit's input register, BFU_LATENCY unit stages,
 * the write (folded-rtl.ts). The next pass issues its first pair this many
 * cycles after the last one, so it reads what the last write left.
 */
export const BFU_LATENCY = 9;
export const WRITE_AFTER_ISSUE = 3 + BFU_LATENCY;
/** idle cycles between a pass's last issue and the next pass's first */
export const PASS_GAP = WRITE_AFTER_ISSUE - 1;

/**
 * The quantised twiddle table W_N^e, e < N/2. The first quarter is quantised
 * (round to nearest, like the streaming ROMs) and stored in ROM; the second
 * is derived exactly as W_N^(N/4 + e) = -j W_N^e: (c, d) -> (d, -c), which is
 * what the RTL does with the quarter-size ROM (folded-rtl.ts).
 */
export function twiddleTable(n: number, tw: number): { re: number[]; im: number[] } {
  const f = q(1, tw - 2);
  const re: number[] = [];
  const im: number[] = [];
  for (let e = 0; e < n / 4; e++) {
    const [c, s] = unitRoot(e, n);
    re.push(quantize(c, f, 'convergent', 'saturate').value + 0);
    im.push(quantize(-s, f, 'convergent', 'saturate').value + 0);
  }
  for (let e = 0; e < n / 4; e++) {
    re.push(im[e] + 0);
    im.push(-re[e] + 0);
  }
  return { re, im };
}

export function difPasses(n: number, shifts: readonly number[], conj: boolean, b: number): FoldedPass[] {
  const k = log2Exact(n);
  return shifts.map((shift, s) => ({ mode: 'dif' as const, log2Half: k - 1 - s, shift, conj, ops: n / (2 * b) }));
}

export function ditPasses(n: number, shifts: readonly number[], conj: boolean, b: number): FoldedPass[] {
  return shifts.map((shift, s) => ({ mode: 'dit' as const, log2Half: s, shift, conj, ops: n / (2 * b) }));
}

export function isFoldedSpec(s: { architecture?: string }): boolean {
  return s.architecture === 'folded';
}

export function planFoldedFft(input: FftSpecInput | FftSpec): FoldedFftPlan {
  const spec = validateFftSpec({ ...input, architecture: 'folded' });
  const n = spec.n;
  const log2n = log2Exact(n);
  const b = spec.butterflies ?? 1;
  const shifts = shiftSchedule(spec.scaling, log2n);
  const growth = shifts.reduce((a, sh) => a + 1 - sh, 0);
  const memWidth = spec.dataWidth + growth;
  const { re, im } = twiddleTable(n, spec.twiddleWidth);
  const forward = !spec.inverse;
  return {
    architecture: 'folded',
    spec,
    n,
    log2n,
    butterflies: b,
    memWidth,
    twiddleWidth: spec.twiddleWidth,
    rounding: spec.rounding,
    overflow: spec.overflow,
    twRe: re,
    twIm: im,
    inverse: spec.inverse,
    passes: difPasses(n, shifts, spec.inverse, b),
    shifts,
    totalShift: shifts.reduce((a, x) => a + x, 0),
    inWidth: spec.dataWidth,
    outWidth: memWidth,
    twiddleFormat: q(1, spec.twiddleWidth - 2),
    loadRev: !forward && !spec.naturalOrder,
    unloadRev: spec.naturalOrder || !forward,
    inputOrder: forward || spec.naturalOrder ? 'natural' : 'bit-reversed',
    outputOrder: !forward || spec.naturalOrder ? 'natural' : 'bit-reversed',
  };
}

/** The spectral-product operand of a pmul pass: H at memory position p, and the product's shift. */
export interface PmulOperand {
  shift: number;
  at(p: number): Cplx;
}

/** Run one pass on the memory (in place), with the folded schedule's rounding points. */
export function runPass(e: EngineNumerics, mem: Cplx[], pass: FoldedPass, flag: { ovf: boolean }, pmul?: PmulOperand): void {
  const rq = (v: number, shift: number): number => {
    const f = requantize(v, { shift, outWidth: e.memWidth, rounding: e.rounding, overflow: e.overflow });
    if (f.overflow) flag.ovf = true;
    return f.value + 0;
  };
  const mul = (x: Cplx, c: number, d: number, shift: number): Cplx => [rq(x[0] * c - x[1] * d, shift), rq(x[0] * d + x[1] * c, shift)];
  const sm = e.twiddleWidth - 2;
  if (pass.mode === 'pmul') {
    if (!pmul) throw new Error('runPass: a pmul pass needs its operand');
    for (let p = 0; p < e.n; p++) {
      const [c, d] = pmul.at(p);
      mem[p] = mul(mem[p], c, d, pmul.shift);
    }
    return;
  }
  const h = 2 ** pass.log2Half;
  const step = e.n / (2 * h);
  const s = pass.shift;
  for (let blk = 0; blk < e.n; blk += 2 * h) {
    for (let j = 0; j < h; j++) {
      const a = mem[blk + j];
      const b = mem[blk + j + h];
      const c = e.twRe[j * step];
      const d = pass.conj ? -e.twIm[j * step] : e.twIm[j * step];
      if (pass.mode === 'dif') {
        const dd: Cplx = [rq(a[0] - b[0], s), rq(a[1] - b[1], s)];
        mem[blk + j] = [rq(a[0] + b[0], s), rq(a[1] + b[1], s)];
        mem[blk + j + h] = mul(dd, c, d, sm);
      } else {
        const m = mul(b, c, d, sm);
        mem[blk + j] = [rq(a[0] + m[0], s), rq(a[1] + m[1], s)];
        mem[blk + j + h] = [rq(a[0] - m[0], s), rq(a[1] - m[1], s)];
      }
    }
  }
}

/** The bit-exact model of one vector through a folded FFT (samples in the design's orders). */
export function foldedFftFixed(plan: FoldedFftPlan, x: readonly Cplx[]): { y: Cplx[]; overflow: boolean } {
  if (x.length !== plan.n) throw new RangeError(`foldedFftFixed: vector has ${x.length} samples, the plan takes ${plan.n}`);
  const lo = -(2 ** (plan.inWidth - 1));
  const hi = 2 ** (plan.inWidth - 1) - 1;
  const mem: Cplx[] = new Array(plan.n);
  x.forEach(([re, im], t) => {
    if (!Number.isInteger(re) || !Number.isInteger(im) || re < lo || re > hi || im < lo || im > hi) {
      throw new RangeError(`foldedFftFixed: sample (${re}, ${im}) is not a ${plan.inWidth}-bit integer pair`);
    }
    mem[plan.loadRev ? bitReverse(t, plan.log2n) : t] = [re, im];
  });
  const flag = { ovf: false };
  for (const pass of plan.passes) runPass(plan, mem, pass, flag);
  const y = Array.from({ length: plan.n }, (_, f) => mem[plan.unloadRev ? bitReverse(f, plan.log2n) : f]);
  return { y: y.map(([a, b]) => [a + 0, b + 0] as Cplx), overflow: flag.ovf };
}

/** Cycles of the compute phase: every pass issues its ops, then waits PASS_GAP cycles. */
export function computeCycles(passes: readonly FoldedPass[]): number {
  return passes.reduce((a, p) => a + p.ops + PASS_GAP, 0);
}

/**
 * The engine's schedule around the passes (folded-rtl.ts), with T the cycle
 * of a vector's last input handshake and outputs never stalled:
 *   load      positions inputs .. N-1 are zero-filled at T + 1 .. T + N - inputs
 *   compute   starts at T + N - inputs + 1, takes computeCycles(passes)
 *   unload    output i is read at U + i (U = end of compute) and handshakes
 *             at U + i + unloadLatency
 *   next      the next vector's first input is taken the cycle after the
 *             last output's handshake
 */
export interface EngineSchedule {
  n: number;
  inputs: number;
  outputs: number;
  passes: readonly FoldedPass[];
  /** cycles from an unload read to the output handshake */
  unloadLatency: number;
  /**
   * Compute cycles outside the passes: a shared engine's write-back between
   * its two layers (diag-circulant/fused.ts), K reads and WRITEBACK_GAP idle
   * cycles. Zero or absent for one transform or one layer.
   */
  extra?: { cycles: number; text: string };
}

/** Idle cycles after a write-back's last read before the next pass issues: its write lands (unload latency 6 - 1) cycles after the read, like PASS_GAP. */
export const WRITEBACK_GAP = 4;

export function engineFirstOutput(s: EngineSchedule): number {
  return s.n - s.inputs + 1 + computeCycles(s.passes) + (s.extra?.cycles ?? 0) + s.unloadLatency;
}

export function engineCycles(s: EngineSchedule): { latency: number; period: number; compute: number; formula: string } {
  const compute = computeCycles(s.passes) + (s.extra?.cycles ?? 0);
  const latency = s.inputs - 1 + engineFirstOutput(s) + s.outputs - 1;
  const kinds = new Map<string, number>();
  for (const p of s.passes) kinds.set(`${p.ops}`, (kinds.get(`${p.ops}`) ?? 0) + 1);
  const passText = [...kinds.entries()].map(([ops, count]) => `${count} x (${ops} + ${PASS_GAP})`).join(' + ');
  return {
    latency,
    period: latency + 1,
    compute,
    formula: `N + passes${s.extra ? ` + ${s.extra.text}` : ''} + out + ${s.unloadLatency - 1} = ${s.n} + [${passText}]${s.extra ? ` + ${s.extra.cycles}` : ''} + ${s.outputs} + ${s.unloadLatency - 1}; period latency + 1`,
  };
}

/** Unload latency of the bare FFT: address register, EBR read, lane select into the output FIFO, the FIFO. */
export const FFT_UNLOAD_LATENCY = 3;

export function foldedFftSchedule(p: FoldedFftPlan): EngineSchedule {
  return { n: p.n, inputs: p.n, outputs: p.n, passes: p.passes, unloadLatency: FFT_UNLOAD_LATENCY };
}

/** The ideal transform with the plan's scaling and orders (the same one the streaming engine is measured against). */
export function foldedFftIdeal(plan: FoldedFftPlan, x: readonly Cplx[]): Cplx[] {
  return idealTransform(plan, x);
}
