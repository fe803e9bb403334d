/**
 * The folded circulant core shared by `circulant` and `diag-circulant` when
 * `"fft": { "architecture": "folded", "butterflies": B }`: one folded FFT
 * engine (src/fft/folded.ts, folded-rtl.ts) serves the forward transform,
 * the spectral product and the inverse, one after another, on one vector in
 * its two EBR banks:
 *
 *   load   s (sign-flipped, shifted left shiftIn, zero-padded to K) as the real part
 *   DIF    log2 K passes with the forward scaling: memory position p holds
 *          X[bitrev(p)] (frac xFrac)
 *   pmul   one pass: X[f] H[f] exactly, rounded by pmulShift and saturated into
 *          Q(aInt).(aFrac); H = the quantised half spectrum in ROM (conj above K/2)
 *   DIT    log2 K passes with conjugated twiddles and the inverse scaling: the
 *          bit-reversed spectrum comes out as z in natural order (frac zFrac)
 *   unload the real part of positions 0..outputs-1 into the kind's output stage
 *
 * Every sample stays memWidth = fft.dataWidth bits wide, so the inverse
 * transform's unshifted passes saturate (sticky ovf) where the streaming
 * core would have grown a bit; the formats are otherwise the streaming
 * core's (stream-plan.ts), with the same default inverse scaling (as few
 * shifts, all at the end, as leave GUARD_BITS extra fraction bits).
 */
import { CircaInputError } from '../../errors.ts';
import { formatName, width, type QFormat, type Requant } from '../../fixed/index.ts';
import {
  difPasses, ditPasses, engineCycles, engineFirstOutput, runPass, twiddleTable, isPowerOfTwo, shiftSchedule,
  FOLDED_MAX_N, FOLDED_MIN_N, FOLDED_MAX_BUTTERFLIES, PASS_GAP, bitReverse,
  type EngineNumerics, type EngineSchedule, type FoldedPass,
} from '../../fft/index.ts';
import type { LayerTiming, CycleModel } from '../types.ts';
import type { FftOptions } from './fft-options.ts';
import { nextPow2, spectralProduct, type StreamCoreRequest } from './stream-plan.ts';
import { halfAddress, halfSpectrum, quantizeSpectrum, spectrumFormat, circularConvolve, type Cplx } from './spectrum.ts';
import { toReal } from '../../fixed/index.ts';

export interface FoldedCorePlan {
  arch: 'folded';
  name: string;
  inputs: number;
  outputs: number;
  k: number;
  log2k: number;
  pad: number;
  butterflies: number;
  multipliers: 3 | 4;
  xFormat: QFormat;
  xWidth: number;
  signs: number[] | null;
  shiftIn: number;
  engine: EngineNumerics;
  passes: FoldedPass[];
  fwdShifts: number[];
  invShifts: number[];
  xFrac: number;
  column: number[];
  hFormat: QFormat;
  hWidth: number;
  hHalf: Cplx[];
  aInt: number;
  aFrac: number;
  pmulRequant: Requant;
  /** width and fraction bits of z (the memory width) */
  zWidth: number;
  zFrac: number;
}

function bad(field: string, msg: string): never {
  throw new CircaInputError(`${field}: ${msg}`);
}

function checkScaling(s: FftOptions['scaling'] | undefined, stages: number, field: string): void {
  if (Array.isArray(s)) {
    if (s.length !== stages) bad(field, `a schedule needs one shift per pass: ${stages} entries for K = ${2 ** stages}, got ${s.length}`);
    s.forEach((v, i) => { if (v !== 0 && v !== 1) bad(`${field}[${i}]`, `each shift must be 0 or 1, got ${v}`); });
  }
}

export function planFoldedCore(r: StreamCoreRequest): FoldedCorePlan {
  const least = Math.max(FOLDED_MIN_N, nextPow2(Math.max(r.inputs, r.outputs)));
  const k = r.size ?? least;
  const what = r.size !== undefined ? 'size' : r.inputs >= r.outputs ? 'inputs' : 'outputs';
  if (!isPowerOfTwo(k) || k < FOLDED_MIN_N || k > FOLDED_MAX_N) {
    bad(what, `the circulant size must be a power of two in ${FOLDED_MIN_N}..${FOLDED_MAX_N} with the folded FFT, got ${k}`);
  }
  if (k < Math.max(r.inputs, r.outputs)) bad('size', `must be at least max(inputs, outputs) = ${Math.max(r.inputs, r.outputs)}, got ${k}`);
  const log2k = Math.round(Math.log2(k));
  if (r.column.length !== k) bad('weights', `the circulant needs ${k} values (its first column), got ${r.column.length}`);
  const b = r.fft.butterflies ?? 1;
  if (!isPowerOfTwo(b) || b > Math.min(FOLDED_MAX_BUTTERFLIES, k / 4)) {
    bad('fft.butterflies', `must be a power of two in 1..${Math.min(FOLDED_MAX_BUTTERFLIES, k / 4)} for K = ${k}, got ${b}`);
  }
  const tw = r.fft.twiddleWidth;
  if (tw < 4 || tw > 24) bad('fft.twiddleWidth', `must be in 4..24, got ${tw}`);
  const xWidth = width(r.xFormat);
  const w = r.fft.dataWidth;
  const sWidth = xWidth + (r.signs ? 1 : 0);
  if (w < sWidth || w > 32) bad('fft.dataWidth', `must be in ${sWidth}..32 (the input is ${xWidth} bits${r.signs ? ', plus one for the sign flip' : ''}), got ${w}`);
  const shiftIn = w - sWidth;
  checkScaling(r.fft.scaling, log2k, 'fft.scaling');
  const fwdShifts = shiftSchedule(r.fft.scaling, log2k);
  const sF = fwdShifts.reduce((a, x) => a + x, 0);
  const xFrac = r.xFormat.frac + shiftIn;

  const hReal = halfSpectrum(r.column);
  const hFormat = spectrumFormat([hReal], r.spectrumWidth, r.spectrumInt, 'weights.spectrumInt');
  const hWidth = width(hFormat);
  const hHalf = quantizeSpectrum(hReal, hFormat);
  const vw = Math.max(tw, hWidth) + (r.fft.multipliers === 3 ? 1 : 0);
  if (w + vw + 2 > 48) bad('fft.dataWidth', `${w}-bit samples times ${vw}-bit spectrum or twiddle fields exceed the 48-bit product limit`);

  const { aInt, aFrac, pmulShift, invScaling } = spectralProduct(r, k, sF, w, hFormat.frac, xFrac);
  checkScaling(invScaling, log2k, 'fft.inverseScaling');
  const invShifts = shiftSchedule(invScaling, log2k);
  const zFrac = aFrac + log2k - sF - invShifts.reduce((a, x) => a + x, 0);
  if (zFrac < r.zFracNeeded) {
    bad('fft.inverseScaling', `leaves ${zFrac} fraction bits after the inverse transform, fewer than the ${r.zFracNeeded} the output needs; shift fewer passes`);
  }
  const { re, im } = twiddleTable(k, tw);
  const engine: EngineNumerics = {
    n: k, log2n: log2k, butterflies: b, memWidth: w, twiddleWidth: tw, rounding: r.fft.rounding, overflow: 'saturate', twRe: re, twIm: im,
  };
  const passes: FoldedPass[] = [
    ...difPasses(k, fwdShifts, false, b),
    { mode: 'pmul', log2Half: 0, shift: 0, conj: false, ops: k / b },
    ...ditPasses(k, invShifts, true, b),
  ];
  return {
    arch: 'folded',
    name: r.name,
    inputs: r.inputs,
    outputs: r.outputs,
    k,
    log2k,
    pad: k - r.inputs,
    butterflies: b,
    multipliers: r.fft.multipliers,
    xFormat: r.xFormat,
    xWidth,
    signs: r.signs,
    shiftIn,
    engine,
    passes,
    fwdShifts,
    invShifts,
    xFrac,
    column: r.column,
    hFormat,
    hWidth,
    hHalf,
    aInt,
    aFrac,
    pmulRequant: { shift: pmulShift, outWidth: w, rounding: r.fft.rounding, overflow: 'saturate' },
    zWidth: w,
    zFrac,
  };
}

/** The bit-exact model: load, the passes in the engine's order, the real part of every position (natural order). */
export function foldedCoreReference(c: FoldedCorePlan, x: readonly number[]): { z: number[]; overflow: boolean } {
  if (x.length !== c.inputs) throw new RangeError(`${c.name}: expected ${c.inputs} inputs, got ${x.length}`);
  const scale = 2 ** c.shiftIn;
  const mem: Cplx[] = Array.from({ length: c.k }, (_, i) => (i < c.inputs ? [(c.signs ? c.signs[i] * x[i] : x[i]) * scale + 0, 0] : [0, 0]));
  const flag = { ovf: false };
  const pmul = {
    shift: c.pmulRequant.shift,
    at: (p: number): Cplx => {
      const { addr, conj } = halfAddress(c.k, bitReverse(p, c.log2k));
      return [c.hHalf[addr][0], conj ? -c.hHalf[addr][1] : c.hHalf[addr][1]];
    },
  };
  for (const pass of c.passes) runPass(c.engine, mem, pass, flag, pmul);
  return { z: mem.map((v) => v[0] + 0), overflow: flag.ovf };
}

export function foldedCoreFloat(c: FoldedCorePlan, x: readonly number[]): number[] {
  const s = Array.from({ length: c.k }, (_, i) => (i < c.inputs ? toReal(x[i], c.xFormat) * (c.signs ? c.signs[i] : 1) : 0));
  return circularConvolve(c.column, s);
}

/** Unload latency: read, lane select, z register, requant (4); with the diagonal: product and bias add (6). */
export function foldedUnloadLatency(diag: boolean): number {
  return diag ? 6 : 4;
}

export function foldedSchedule(c: FoldedCorePlan, diag: boolean): EngineSchedule {
  return { n: c.k, inputs: c.inputs, outputs: c.outputs, passes: c.passes, unloadLatency: foldedUnloadLatency(diag) };
}

export function foldedCoreTiming(c: FoldedCorePlan, diag: boolean): LayerTiming {
  const first = engineFirstOutput(foldedSchedule(c, diag));
  return {
    outputs: (inputs) => Array.from({ length: c.outputs }, (_, i) => inputs[inputs.length - 1] + first + i),
    nextReady: (_inputs, outputs) => outputs[outputs.length - 1] + 1,
  };
}

export function foldedCoreCycles(c: FoldedCorePlan, diag: boolean): CycleModel {
  const e = engineCycles(foldedSchedule(c, diag));
  return { latency: e.latency, period: e.period, formula: e.formula };
}

export function foldedCoreOps(c: FoldedCorePlan) {
  const k = c.k;
  const bf = 2 * c.log2k * (k / 2);
  const products = bf + k;
  return {
    multiplies: products * c.multipliers,
    adds: 4 * bf + products * (c.multipliers === 3 ? 5 : 2),
    weightReads: k,
    bufferWrites: k * (2 * c.log2k + 2),
    bufferReads: k * (2 * c.log2k + 1) + c.outputs,
  };
}

export function foldedCoreHardware(c: FoldedCorePlan) {
  return {
    multipliers: c.butterflies * c.multipliers,
    bufferBits: c.k * 2 * c.zWidth,
    weightBits: c.butterflies * (c.k / 2) * 2 * (c.hWidth + c.engine.twiddleWidth),
  };
}

export function describeFoldedCore(c: FoldedCorePlan): string {
  return `circulant ${c.k} x ${c.k} on a folded FFT engine (${c.butterflies} butterfly unit(s), ${c.multipliers} multipliers each, ` +
    `${c.zWidth}-bit samples in EBR; ${c.passes.length} passes: ${c.log2k} DIF, spectral product, ${c.log2k} DIT, ${PASS_GAP} drain cycles each), ` +
    `spectrum ${formatName(c.hFormat)}, product -> Q${c.aInt}.${c.aFrac}, inverse shifts ${c.invShifts.join('')}, z frac ${c.zFrac}; ` +
    `twiddles ${c.engine.twiddleWidth} bits, ${c.engine.rounding}`;
}

