/**
 * FFT cost face: cycles and resource counts from the plan the RTL is
 * generated from. The latency is the schedule of fft_sdf_bf.v (a butterfly
 * delays every sample by DELAY + 3 cycles), fft_cmul.v (6 register stages)
 * fft_skid.v (one cycle, unless the output is reordered) and fft_bitrev.v
 * (a block leaves N + 1 cycles after its first word arrived), so with the stream never stalled (valid and ready always high)
 * the simulated cycles equal these figures exactly; a test checks it.
 */
import { BF_EXTRA_LATENCY, CMUL_LATENCY, SKID_LATENCY, planFft, type FftPlan } from './plan.ts';
import type { FftSpec, FftSpecInput } from './spec.ts';

export interface FftMemory {
  /** words (one complex sample each) of delay lines held in EBR, and their width in bits */
  delayRamWords: number;
  delayRamBits: number;
  /** words of delay lines held in flip-flops */
  delayFfWords: number;
  delayFfBits: number;
  /** twiddle ROM words (one per position of each twiddle block) */
  romWords: number;
  romBits: number;
  /** bit-reversal buffer words (2N when naturalOrder) */
  reorderWords: number;
  reorderBits: number;
}

export interface FftCost {
  n: number;
  /** cycles from a vector's first input handshake to its first output handshake (no stalls) */
  latencyFirst: number;
  /** cycles from a vector's first input handshake to its last output handshake (no stalls) */
  latencyLast: number;
  /** cycles between vectors at full rate (one complex sample per cycle) */
  periodCycles: number;
  /** the pipeline's own sample delay: sum over butterflies of (delay + BF_EXTRA_LATENCY) plus CMUL_LATENCY per twiddle stage */
  coreLatency: number;
  complexMultipliers: number;
  realMultipliers: number;
  /** datapath adders and subtractors: butterflies, rounding, product sums, pre-adds */
  adders: number;
  memory: FftMemory;
  /** estimated iCE40 EBR (4 kbit) blocks: delay lines >= 32 words, twiddle ROMs >= 64 words, reorder buffer */
  ebrEstimate: number;
  formula: string;
}

/** EBR blocks for a depth x width memory: the best of the 256x16, 512x8, 1024x4, 2048x2 shapes. */
export function ebrBlocks(depth: number, width: number): number {
  const shapes: [number, number][] = [[256, 16], [512, 8], [1024, 4], [2048, 2]];
  return Math.min(...shapes.map(([d, w]) => Math.ceil(depth / d) * Math.ceil(width / w)));
}

export function fftCost(p: FftPlan | FftSpecInput | FftSpec): FftCost {
  const plan = 'stages' in p ? p : planFft(p);
  const n = plan.n;
  const tw = plan.spec.twiddleWidth;
  const rounds = plan.spec.rounding !== 'truncate';
  let coreLatency = 0;
  let adders = 0;
  const memory: FftMemory = {
    delayRamWords: 0, delayRamBits: 0, delayFfWords: 0, delayFfBits: 0,
    romWords: 0, romBits: 0, reorderWords: 0, reorderBits: 0,
  };
  let ebr = 0;
  for (const st of plan.stages) {
    if (st.kind === 'bf') {
      coreLatency += st.delay + BF_EXTRA_LATENCY;
      // output and delay-line chains for re and im; a rounding add on the output (re, im)
      // when the stage shifts and rounds (differences are rounded on their way out)
      adders += 4 + (st.shift > 0 && rounds ? 2 : 0);
      const bits = st.delay * 2 * st.fifoWidth;
      if (st.useRam) {
        memory.delayRamWords += st.delay;
        memory.delayRamBits += bits;
        ebr += ebrBlocks(st.delay, 2 * st.fifoWidth);
      } else {
        memory.delayFfWords += st.delay;
        memory.delayFfBits += bits;
      }
    } else {
      coreLatency += CMUL_LATENCY;
      // re and im product sums, their rounding adds, the 3-multiplier data pre-add
      adders += 2 + (rounds ? 2 : 0) + (plan.spec.multipliers === 3 ? 1 : 0);
      const romWidth = 3 * tw; // {-d, d, c} or {-(c + d), d - c, c}
      memory.romWords += st.len;
      memory.romBits += st.len * romWidth;
      if (st.romInEbr) ebr += ebrBlocks(st.len, romWidth);
    }
  }
  let latencyFirst = coreLatency + (plan.reorder === 'output' ? 0 : SKID_LATENCY);
  if (plan.reorder !== 'none') {
    // fft_bitrev: the first word of a block leaves N + 1 cycles after the block's first word arrived
    latencyFirst += n + 1;
    const w = 2 * (plan.reorder === 'output' ? plan.outWidth : plan.inWidth);
    memory.reorderWords = 2 * n;
    memory.reorderBits = 2 * n * w;
    ebr += ebrBlocks(2 * n, w);
  }
  const complexMultipliers = plan.twiddles.length;
  const formula =
    `coreLatency = sum over butterflies (D + ${BF_EXTRA_LATENCY}) + ${CMUL_LATENCY} x ${complexMultipliers} twiddle stages = ` +
    `(N - 1) + ${BF_EXTRA_LATENCY} log2 N + ${CMUL_LATENCY * complexMultipliers} = ${coreLatency}` +
    (plan.reorder === 'output' ? '' : `; + output buffer ${SKID_LATENCY}`) +
    (plan.reorder !== 'none' ? `; + reorder buffer N + 1 = ${n + 1}` : '') +
    `; first output ${latencyFirst}, last output ${latencyFirst + n - 1} cycles after the first input`;
  return {
    n,
    latencyFirst,
    latencyLast: latencyFirst + n - 1,
    periodCycles: n,
    coreLatency,
    complexMultipliers,
    realMultipliers: complexMultipliers * plan.spec.multipliers,
    adders,
    memory,
    ebrEstimate: ebr,
    formula,
  };
}
