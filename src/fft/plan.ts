/**
 * The FFT plan: the one schedule the reference model, the RTL generator and
 * the cost model all read. It fixes the stage order, every width, the
 * twiddle tables (quantised once, here) and the latency.
 *
 * Radix-2^2 single-path delay feedback (R2²SDF, He & Torkelson, IPPS 1996).
 * Forward transform = decimation in frequency, natural order in,
 * bit-reversed order out. With k = log2(N) butterflies and delays
 * D_i = N / 2^(i+1), the forward pipeline is
 *
 *   BF(N/2) -[-j]- BF(N/4) -[W]- BF(N/8) -[-j]- BF(N/16) -[W]- ... BF(1)
 *
 * where [-j] multiplies by -j at positions [3L/4, L) of blocks of
 * L = 2 D (the BF2I block; done exactly inside the next butterfly, BF2II),
 * and [W] is a general complex multiplier after each pair with the twiddle
 * W_L^(n3 (k1 + 2 k2)) at position t = k1 L/2 + k2 L/4 + n3 of blocks of
 * L = 4 D (D of the BF2II). Odd k ends with one plain radix-2 butterfly
 * BF(1), preceded by a general multiplier on blocks of 8. So a pipeline
 * has floor((k-1)/2) general complex multipliers (2 for N = 64, 4 for 1024).
 *
 * Inverse transform = decimation in time, bit-reversed order in, natural
 * order out: the same operators in reverse order with conjugated twiddles
 * (+j for -j). Every operator is a symmetric matrix on the N-vector
 * (butterfly blocks [[I, I], [I, -I]] and diagonals), so the reversed
 * product is the transpose of the forward one: (P F)^T = F P with P the
 * bit reversal. Conjugating gives conj(F) P, which maps a bit-reversed
 * spectrum to N times its natural-order IDFT. So an FFT -> pointwise
 * multiply -> IFFT convolution needs no reorder buffer.
 */
import { quantize, q, type QFormat } from '../fixed/index.ts';
import { log2Exact, shiftSchedule, validateFftSpec, type FftSpec, type FftSpecInput } from './spec.ts';

export type Rotation = 'none' | '-j' | '+j';

/** Delay lines this long or longer are memories (iCE40 EBR); shorter ones flip-flops. */
export const RAM_DELAY_THRESHOLD = 32;
/**
 * Twiddle ROMs with this many words or more are EBR (a memory with initial
 * contents); smaller ones case ROMs in LUTs. A 64-word case ROM took six LUT
 * levels and limited Fmax; a 32-word one takes about four.
 */
export const ROM_EBR_THRESHOLD = 64;
/** Register stages of a twiddle multiplier (fft_cmul.v: p0..p5). */
export const CMUL_LATENCY = 6;
/** Cycles of the output skid buffer (fft_skid.v), present unless the output is reordered. */
export const SKID_LATENCY = 1;
/** Extra cycles of a butterfly beyond its delay (fft_sdf_bf.v: the raw, rounded and output registers). */
export const BF_EXTRA_LATENCY = 3;

export interface ButterflyStage {
  kind: 'bf';
  /** index in the pipeline (all stages) */
  index: number;
  /** butterfly number in pipeline order, 0..log2(N)-1 (the index into the scaling schedule) */
  bf: number;
  log2Delay: number;
  delay: number;
  shift: number;
  wIn: number;
  wOut: number;
  /** width of a delay-line word part (re or im): wIn + 1, the exact difference */
  fifoWidth: number;
  /** rotation of the input sample at positions [3L/4, L) of blocks of L = 2^rotLog2 */
  rot: Rotation;
  rotLog2: number;
  /** position counter width: max(log2Delay + 1, rotLog2) */
  cntWidth: number;
  useRam: boolean;
}

export interface TwiddleStage {
  kind: 'tw';
  index: number;
  /** twiddle multiplier number in pipeline order */
  tw: number;
  log2Len: number;
  /** the twiddle block L: position t = (stream position) mod L */
  len: number;
  /** sample width in and out */
  width: number;
  /** exponent e(t): the twiddle at position t is W_L^e (forward) or its conjugate (inverse) */
  exponents: number[];
  /** quantised twiddle per position, raw Q1.(TW-2) values */
  re: number[];
  im: number[];
  /** the ROM is an EBR memory (len >= ROM_EBR_THRESHOLD), else a case ROM in LUTs */
  romInEbr: boolean;
}

export type Stage = ButterflyStage | TwiddleStage;

export interface FftPlan {
  spec: FftSpec;
  n: number;
  log2n: number;
  inverse: boolean;
  stages: Stage[];
  butterflies: ButterflyStage[];
  twiddles: TwiddleStage[];
  shifts: number[];
  /** sum of the shifts: the output is DFT * 2^-totalShift (forward) or N*IDFT * 2^-totalShift */
  totalShift: number;
  inWidth: number;
  outWidth: number;
  twiddleFormat: QFormat;
  /** 'output' (forward, natural order out), 'input' (inverse, natural order in) or 'none' */
  reorder: 'none' | 'output' | 'input';
  /** order of the samples the design takes and gives */
  inputOrder: 'natural' | 'bit-reversed';
  outputOrder: 'natural' | 'bit-reversed';
}

type AbstractOp = { op: 'bf'; delay: number } | { op: 'rot'; len: number; dir: Rotation } | { op: 'tw'; len: number };

/** Twiddle exponent at position t of a radix-2^2 block of L: t = k1 L/2 + k2 L/4 + n3 -> n3 (k1 + 2 k2). */
export function twiddleExponent(t: number, len: number): number {
  const quarter = len / 4;
  const k1 = Math.floor(t / (len / 2));
  const k2 = Math.floor(t / quarter) % 2;
  const n3 = t % quarter;
  return n3 * (k1 + 2 * k2);
}

export function bitReverse(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
  return r;
}

/** The forward operator sequence (DIF); the inverse is its reverse with conjugates. */
function forwardOps(n: number): AbstractOp[] {
  const k = log2Exact(n);
  const ops: AbstractOp[] = [];
  for (let i = 0; i < k; i++) {
    const d = n >> (i + 1);
    ops.push({ op: 'bf', delay: d });
    if (i + 1 < k && i % 2 === 0) ops.push({ op: 'rot', len: 2 * d, dir: '-j' }); // BF2I -> BF2II
    if (i + 1 < k && i % 2 === 1) ops.push({ op: 'tw', len: 4 * d }); // after each pair
  }
  return ops;
}

export function planFft(input: FftSpecInput | FftSpec): FftPlan {
  const spec = validateFftSpec(input);
  const n = spec.n;
  const log2n = log2Exact(n);
  const tw = spec.twiddleWidth;
  const twiddleFormat = q(1, tw - 2);
  let ops = forwardOps(n);
  if (spec.inverse) {
    ops = ops.reverse().map((o) => (o.op === 'rot' ? { ...o, dir: '+j' as Rotation } : o));
  }
  const shifts = shiftSchedule(spec.scaling, log2n);
  const stages: Stage[] = [];
  let width = spec.dataWidth;
  let pendingRot: { len: number; dir: Rotation } | undefined;
  let bfCount = 0;
  let twCount = 0;
  for (const o of ops) {
    if (o.op === 'rot') {
      pendingRot = { len: o.len, dir: o.dir };
    } else if (o.op === 'bf') {
      const log2Delay = log2Exact(o.delay);
      const shift = shifts[bfCount];
      const wOut = width + 1 - shift;
      const rotLog2 = pendingRot ? log2Exact(pendingRot.len) : 0;
      stages.push({
        kind: 'bf',
        index: stages.length,
        bf: bfCount,
        log2Delay,
        delay: o.delay,
        shift,
        wIn: width,
        wOut,
        fifoWidth: width + 1,
        rot: pendingRot?.dir ?? 'none',
        rotLog2,
        cntWidth: Math.max(log2Delay + 1, rotLog2),
        useRam: o.delay >= RAM_DELAY_THRESHOLD,
      });
      pendingRot = undefined;
      width = wOut;
      bfCount++;
    } else {
      const len = o.len;
      const exponents: number[] = [];
      const re: number[] = [];
      const im: number[] = [];
      for (let t = 0; t < len; t++) {
        const e = twiddleExponent(t, len);
        exponents.push(e);
        const [c, s] = unitRoot(e, len);
        // forward: W_L^e = cos - j sin; inverse: the conjugate. Twiddles are always
        // rounded to nearest (ties to even), whatever the datapath rounding.
        // (+ 0 turns a -0 from quantising -0.0 into 0)
        re.push(quantize(c, twiddleFormat, 'convergent', 'saturate').value + 0);
        im.push(quantize(spec.inverse ? s : -s, twiddleFormat, 'convergent', 'saturate').value + 0);
      }
      stages.push({
        kind: 'tw', index: stages.length, tw: twCount++, log2Len: log2Exact(len), len, width, exponents, re, im,
        romInEbr: len >= ROM_EBR_THRESHOLD,
      });
    }
  }
  const forward = !spec.inverse;
  const reorder = spec.naturalOrder ? (forward ? 'output' : 'input') : 'none';
  return {
    spec,
    n,
    log2n,
    inverse: spec.inverse,
    stages,
    butterflies: stages.filter((s): s is ButterflyStage => s.kind === 'bf'),
    twiddles: stages.filter((s): s is TwiddleStage => s.kind === 'tw'),
    shifts,
    totalShift: shifts.reduce((a, b) => a + b, 0),
    inWidth: spec.dataWidth,
    outWidth: width,
    twiddleFormat,
    reorder,
    inputOrder: forward || spec.naturalOrder ? 'natural' : 'bit-reversed',
    outputOrder: !forward || spec.naturalOrder ? 'natural' : 'bit-reversed',
  };
}

/**
 * cos and sin of 2 pi e / L, exact at the multiples of pi/4 that matter for
 * bit-exactness of the trivial entries (0, +-1 exactly; the float functions
 * give 6e-17 instead of 0 at pi/2).
 */
export function unitRoot(e: number, len: number): [number, number] {
  const m = ((e % len) + len) % len;
  if ((8 * m) % len === 0) {
    const oct = (8 * m) / len; // multiple of pi/4
    const r = Math.SQRT1_2;
    const table: [number, number][] = [[1, 0], [r, r], [0, 1], [-r, r], [-1, 0], [-r, -r], [0, -1], [r, -r]];
    return table[oct];
  }
  const a = (2 * Math.PI * m) / len;
  return [Math.cos(a), Math.sin(a)];
}
