/**
 * Block-circulant cost face: a model of bcirc_layer.v's schedule, exact in
 * cycles when the output is never stalled (co-simulation checks it). With
 * k the block size, B = k/2 + 1, L_F the FFT's latency (src/fft cost,
 * first input to first output) and c_j the handshake of input block j's
 * last element:
 *
 *   feed of input block j   starts s_j = max(c_j + 1, e_{j-1}), issues
 *                           positions at s_j + 1 .. s_j + k, e_j = s_j + k
 *                           (an issue reaches the FFT 2 cycles later)
 *   X complete              h = e_{q-1} + 2 + L_F; MAC starts at h + 2
 *   MAC group g             B q issue cycles from U_g; U_0 = h + 2,
 *                           U_{g+1} = max(U_g + B q, F_{g-1} + 2)
 *                           (its bank must have been fed); the group's bank
 *                           is full from D_g = U_g + B q + 4
 *   output blocks of g      lane l fed from S = max(D_g, E_prev) (lane 0) or
 *                           the previous lane's end, k positions each;
 *                           E = S + k; F_g = E of the group's last lane
 *   output beat of a block  S + k + 3 + L_F
 *   next vector             first input at F_{G-1} + 1
 *
 * With inputs back to back, a full last input block and (k/2+1) q >= P k (or
 * one group), this closes to latency n + ceil(p/P)(k/2+1)q + (L+1)k +
 * 2 L_F + 11 and period n + ceil(p/P)(k/2+1)q + (L+1)k + L_F + 9, L the
 * lanes of the last group.
 */
import type { CycleModel, LayerCost, LayerTiming } from '../types.ts';
import { fftCost } from '../../fft/index.ts';
import type { BlockCirculantPlan } from './plan.ts';

/** Cycles from a feed issue to its FFT input handshake (stages R and T). */
export const BCIRC_FEED_STAGES = 2;
/** Cycles from a MAC issue to the first cycle its group's bank reads as full, after the last issue: products, sums, accumulate, write, flag. */
export const BCIRC_MAC_TAIL = 5;

export interface BcircSchedule {
  /** output beat handshake cycles (one per output block) */
  beats: number[];
  /** the cycle the next vector's first input can be taken */
  nextReady: number;
  /** first MAC issue, and the end of the input phase (X complete) */
  macStart: number;
  xComplete: number;
}

export function bcircSchedule(p: BlockCirculantPlan, inputs: readonly number[]): BcircSchedule {
  const k = p.k;
  const lf = p.fftLatency;
  // input blocks
  let ePrev = -Infinity;
  for (let j = 0; j < p.q; j++) {
    const c = inputs[Math.min((j + 1) * k, p.inputs) - 1];
    const s = Math.max(c + 1, ePrev);
    ePrev = s + k;
  }
  const h = ePrev + BCIRC_FEED_STAGES + lf;
  const bq = p.bins * p.q;
  // MAC groups and the output feeds, in order
  const beats: number[] = [];
  let U = h + 2;
  let outEnd = -Infinity;         // E of the last output block fed
  const F: number[] = [];         // F_g: end of group g's feed
  for (let g = 0; g < p.groups; g++) {
    if (g >= 2) U = Math.max(U, F[g - 2] + 2);
    const D = U + bq + BCIRC_MAC_TAIL - 1;
    const lanes = g === p.groups - 1 ? p.lastLanes : p.lanes;
    let S = Math.max(D, outEnd);
    for (let l = 0; l < lanes; l++) {
      beats.push(S + k + 1 + BCIRC_FEED_STAGES + lf);
      outEnd = S + k;
      S = outEnd;
    }
    F.push(outEnd);
    U += bq;
  }
  return { beats, nextReady: outEnd + 1, macStart: h + 2, xComplete: h };
}

export function bcircTiming(p: BlockCirculantPlan): LayerTiming {
  return {
    outputs: (inputs) => bcircSchedule(p, inputs).beats,
    nextReady: (inputs) => bcircSchedule(p, inputs).nextReady,
  };
}

export function bcircCycles(p: BlockCirculantPlan): CycleModel {
  const ins = Array.from({ length: p.inputs }, (_, e) => e);
  const s = bcircSchedule(p, ins);
  const latency = s.beats[s.beats.length - 1];
  // Closed form when the last input block is full and the feeds of one group end before the
  // next group's bins are ready ((k/2+1) q >= P k, or a single group); the schedule model
  // above covers every case.
  const closed = p.inputs % p.k === 0 && (p.groups === 1 || p.bins * p.q >= p.lanes * p.k);
  const mac = `${p.groups}*${p.bins}*${p.q}`;
  return {
    latency,
    period: s.nextReady,
    formula: closed
      ? `n + ceil(p/P)(k/2+1)q + (L+1)k + 2 L_FFT + 11 = ${p.inputs} + ${mac} + ${p.lastLanes + 1}*${p.k} + 2*${p.fftLatency} + 11 ` +
        `(L = ${p.lastLanes} lane(s) in the last group); period n + ceil(p/P)(k/2+1)q + (L+1)k + L_FFT + 9`
      : `schedule model (a padded last input block, or output feeds longer than a group's MAC); MAC ${mac} cycles, L_FFT ${p.fftLatency}`,
  };
}

export function bcircCost(p: BlockCirculantPlan): LayerCost {
  const k = p.k;
  const f = fftCost(p.fft);
  const ffts = p.q + p.p;
  const fftMults = k * p.fft.twiddles.length * p.fft.spec.multipliers;
  const fftAdds = 2 * k * p.log2k + k * p.fft.twiddles.length * (p.fft.spec.multipliers === 3 ? 3 : 2);
  const macs = p.p * p.q * p.bins;
  return {
    cycles: bcircCycles(p),
    ops: {
      // q forward and p inverse transforms; 4 real multiplies and 2 adds per complex product, 2 adds per accumulation
      multiplies: ffts * fftMults + 4 * macs,
      adds: ffts * fftAdds + 4 * macs,
      weightReads: macs,
      bufferWrites: p.inputs + p.q * p.bins + p.p * p.bins,
      bufferReads: p.q * k + p.groups * p.bins * p.q + p.p * k,
      // p x q blocks of k learned values each
      parameters: p.p * p.q * k,
    },
    hardware: {
      multipliers: p.fft.twiddles.length * p.fft.spec.multipliers + 4 * p.lanes,
      // input block buffers, X buffer, output banks, FFT delay lines
      bufferBits: 2 * k * p.xWidth + p.q * p.bins * 2 * p.xfWidth + p.lanes * 2 * p.bins * 2 * p.fft.inWidth +
        f.memory.delayRamBits + f.memory.delayFfBits,
      weightBits: p.groups * p.lanes * p.bins * p.q * 2 * p.hWidth,
    },
  };
}
