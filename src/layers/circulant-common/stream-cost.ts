/**
 * Timing and cost of the streaming circulant core (stream-rtl.ts), from the
 * schedule the templates document. T = the cycle of a vector's last input
 * handshake; nothing stalls the output.
 *
 *   circ_feed   position p offered to the FFT at T + FEED_LATENCY + p
 *   FFT         a contiguous vector leaves L_F = fftCost(fwd).latencyFirst
 *               cycles after it entered (bit-reversed order, contiguous)
 *   circ_pmul   PMUL_LATENCY cycles
 *   IFFT        L_I = fftCost(inv).latencyFirst (natural order, contiguous)
 *   circ_out    OUT_LATENCY (2 for circulant, 4 with the diagonal and bias)
 *
 * So output i handshakes at T + FEED_LATENCY + L_F + PMUL_LATENCY + L_I +
 * OUT_LATENCY + i, for i < outputs. The next vector's first input is taken
 * at T + (K - inputs) + 2 (circ_feed.v, NEXT).
 */
import type { CycleModel, LayerTiming } from '../types.ts';
import type { StreamCorePlan } from './stream-plan.ts';

/** circ_feed: last input at T, position 0 reaches the FFT at T + 2. */
export const FEED_LATENCY = 2;
/** circ_pmul: a sample taken at t reaches the inverse FFT at t + 4. */
export const PMUL_LATENCY = 4;
/** circ_out: a sample taken from the inverse FFT at t leaves at t + 2 (plain) or t + 4 (diagonal and bias). */
export function outLatency(diag: boolean): number {
  return diag ? 4 : 2;
}

/** Cycles from the last input handshake to the first output handshake. */
export function coreFirstOutput(c: StreamCorePlan, diag: boolean): number {
  return FEED_LATENCY + c.fwdLatency + PMUL_LATENCY + c.invLatency + outLatency(diag);
}

export function coreTiming(c: StreamCorePlan, diag: boolean): LayerTiming {
  const first = coreFirstOutput(c, diag);
  return {
    outputs: (inputs) => {
      const last = inputs[inputs.length - 1];
      return Array.from({ length: c.outputs }, (_, i) => last + first + i);
    },
    nextReady: (inputs) => inputs[inputs.length - 1] + c.pad + 2,
  };
}

export function coreCycles(c: StreamCorePlan, diag: boolean): CycleModel {
  const first = coreFirstOutput(c, diag);
  // inputs back to back from cycle 0: last input at inputs - 1
  const latency = c.inputs - 1 + first + c.outputs - 1;
  const period = c.inputs + c.pad + 1;
  return {
    latency,
    period,
    formula: `in + out + L_FFT + L_IFFT + ${FEED_LATENCY + PMUL_LATENCY + outLatency(diag) - 2} = ` +
      `${c.inputs} + ${c.outputs} + ${c.fwdLatency} + ${c.invLatency} + ${FEED_LATENCY + PMUL_LATENCY + outLatency(diag) - 2}; period K + 1`,
  };
}

/**
 * Operation counts of the core per vector, as the hardware does them (every
 * position of every stage runs, trivial twiddles included):
 *   multiplies: each twiddle stage of each FFT multiplies K samples by its
 *               multiplier count; the spectral product 4 per bin
 *   adds:       2 real adds per butterfly output (re, im), 2 per twiddle
 *               product (4-multiplier form; 3 with Gauss plus the pre-add),
 *               2 per spectral product
 *   weightReads: one spectrum word per bin
 */
export function coreOps(c: StreamCorePlan) {
  const k = c.k;
  const fftMults = (p: StreamCorePlan['fwd']) => k * p.twiddles.length * p.spec.multipliers;
  const fftAdds = (p: StreamCorePlan['fwd']) => 2 * k * p.log2n + k * p.twiddles.length * (p.spec.multipliers === 3 ? 3 : 2);
  return {
    multiplies: fftMults(c.fwd) + fftMults(c.inv) + 4 * k,
    adds: fftAdds(c.fwd) + fftAdds(c.inv) + 2 * k,
    weightReads: k,
    bufferWrites: c.inputs,
    bufferReads: c.inputs,
  };
}

/** Hardware of the core: real multipliers, buffer bits (input buffer + FFT delay lines), weight bits (half spectrum). */
export function coreHardware(c: StreamCorePlan, fftMemoryBits: (p: StreamCorePlan['fwd']) => number) {
  const sW = c.xWidth + (c.signs ? 1 : 0);
  return {
    multipliers: c.fwd.twiddles.length * c.fwd.spec.multipliers + c.inv.twiddles.length * c.inv.spec.multipliers + 4,
    bufferBits: c.k * sW + fftMemoryBits(c.fwd) + fftMemoryBits(c.inv),
    weightBits: (c.k / 2 + 1) * 2 * c.hWidth,
  };
}
