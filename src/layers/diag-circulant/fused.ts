/**
 * Two diag-circulant layers on ONE folded FFT engine (`"fft": { ...,
 * "shareEngine": true }` on the second): the fuse face joins them into one
 * network layer whose engine runs
 *
 *   load       x (first layer's input) -> real parts, shifted left shiftIn1
 *   [DIF, pmul(H1), DIT]                 the first layer's passes
 *   write-back every position p = 0..K-1 through the first layer's output
 *              stage (z d1 + b1 << biasShift1, requantise, activation); p <
 *              outputs1 is written back as y1_p << shiftIn2 (imag 0), the
 *              rest 0: the second layer's loaded vector
 *   [DIF, pmul(H2), DIT]                 the second layer's passes
 *   unload     positions 0..outputs2-1 through the second layer's output stage
 *
 * so its outputs are bit for bit the two layers' own references applied one
 * after the other (test/diagcirc.shared.test.ts asserts it), and its sticky
 * overflow flag is the OR of the two layers' flags (engine fits and output
 * stages of both; the write-back's positions >= outputs1 never raise it).
 * The spectrum ROM holds both half spectra (the second layer's at the upper
 * half), the d/b ROMs are one per layer, and the one z x d multiplier and
 * adder serve both output stages. The two layers must agree on the engine:
 * K, fft.dataWidth, twiddleWidth, rounding, butterflies and multipliers;
 * their scaling schedules, spectra formats (a second spectral-product shift
 * in fold_bfu.v, SH_P2), d/b and output formats may differ.
 */
import { CircaInputError } from '../../errors.ts';
import { formatName, fromUnsigned, identityRaw, reluRaw, requantActivate, toReal } from '../../fixed/index.ts';
import { packFields } from '../../verilog/rom.ts';
import {
  engineCycles, engineFirstOutput, generateEngineRtl, packHalfSpectrum, runPass, bitReverse, WRITEBACK_GAP,
  type EngineSchedule, type FoldedPass, type PmulOperand,
} from '../../fft/index.ts';
import { MAX_NAME_LENGTH } from '../../verilog/names.ts';
import { defineKind, type LayerCost, type LayerKind, type LayerRtl, type LayerTiming, type ReferenceResult, type FusedLayer, type LayerRegisters } from '../types.ts';
import { foldedUnloadLatency, describeFoldedCore, type FoldedCorePlan } from '../circulant-common/folded-core.ts';
import { halfAddress, circularConvolve, type Cplx } from '../circulant-common/spectrum.ts';
import { foldedPairResources } from '../circulant-common/resources.ts';
import { describeSource } from '../circulant-common/weights.ts';
import { withInputCheck } from '../input-check.ts';
import { diagCirculantSpecSchema, type DiagCirculantSpec } from './spec.ts';
import type { DiagCirculantPlan } from './plan.ts';
import { diagCirculantCost } from './cost.ts';
import { foldedHead } from './rtl.ts';
import { diagOutputStage } from './engine-output.ts';

type FoldedDiag = DiagCirculantPlan & { core: FoldedCorePlan };

export interface DiagCirculantPairPlan {
  /** the fused layer's name (its module is <name>_top): the two names joined */
  name: string;
  first: FoldedDiag;
  second: FoldedDiag;
  k: number;
  /** the first layer's passes, then the second's (its pmul pass with shift bit 1 when its product shift differs) */
  passes: FoldedPass[];
  passes1: number;
  /** width of the shared spectrum ROM's fields (the wider of the two spectra) */
  hWidth: number;
  /** both layers' d and b in one SPRAM loaded through the config port (the second layer's "memory": "spram"), else two ROMs */
  spram: boolean;
}

/** Field widths of the d/b SPRAM's words {b, d}: the wider layer's. */
export function dbWidths(p: DiagCirculantPairPlan): { dW: number; bW: number } {
  return { dW: Math.max(p.first.dWidth, p.second.dWidth), bW: Math.max(p.first.bWidth, p.second.bWidth) };
}

/** The d/b SPRAM's words as the host loads them (word order: the first layer's outputs, then the second's), unsigned. */
export function pairLoadWords(p: DiagCirculantPairPlan): bigint[] {
  const { dW, bW } = dbWidths(p);
  return [p.first, p.second].flatMap((l) => l.d.map((d, i) => BigInt(`0x${packFields([d, l.bias[i]], [dW, bW])}`)));
}

function pmulOperand(c: FoldedCorePlan): PmulOperand {
  return {
    shift: c.pmulRequant.shift,
    at: (p: number): Cplx => {
      const { addr, conj } = halfAddress(c.k, bitReverse(p, c.log2k));
      return [c.hHalf[addr][0], conj ? -c.hHalf[addr][1] : c.hHalf[addr][1]];
    },
  };
}

/** The output stage of a diag-circulant layer on position i: z d + b << biasShift, requantised, activation. */
function outputStage(p: DiagCirculantPlan, z: number, i: number, flag: { ovf: boolean }): number {
  const r = requantActivate(z * p.d[i] + p.bias[i] * 2 ** p.biasShift, p.requant, p.activation === 'relu' ? reluRaw : identityRaw);
  if (r.overflow) flag.ovf = true;
  return r.value;
}

/** The bit-exact model of the shared engine, step by step as the RTL runs (module comment). */
export function pairReference(p: DiagCirculantPairPlan, x: readonly number[]): ReferenceResult {
  const { first, second } = p;
  const c1 = first.core;
  const c2 = second.core;
  if (x.length !== first.inputs) throw new RangeError(`${p.name}: expected ${first.inputs} inputs, got ${x.length}`);
  const mem: Cplx[] = Array.from({ length: p.k }, (_, i) => (i < first.inputs ? [x[i] * 2 ** c1.shiftIn + 0, 0] : [0, 0]));
  const flag = { ovf: false };
  const pm1 = pmulOperand(c1);
  const pm2 = pmulOperand(c2);
  p.passes.forEach((pass, i) => {
    if (i === p.passes1) {
      // the write-back: the first layer's output stage, into the second layer's loaded vector
      for (let pos = 0; pos < p.k; pos++) {
        mem[pos] = pos < first.outputs ? [outputStage(first, mem[pos][0], pos, flag) * 2 ** c2.shiftIn + 0, 0] : [0, 0];
      }
    }
    runPass(c1.engine, mem, pass, flag, i < p.passes1 ? pm1 : pm2);
  });
  const y = Array.from({ length: second.outputs }, (_, i) => outputStage(second, mem[i][0], i, flag));
  return { y, overflow: flag.ovf };
}

function stageFloat(p: DiagCirculantPlan, s: readonly number[]): number[] {
  const padded = Array.from({ length: p.core.k }, (_, i) => (i < s.length ? s[i] : 0));
  const z = circularConvolve(p.c, padded);
  return Array.from({ length: p.outputs }, (_, i) => {
    const v = p.dReal[i] * z[i] + p.biasReal[i];
    return p.activation === 'relu' && v < 0 ? 0 : v;
  });
}

export function pairFloat(p: DiagCirculantPairPlan, x: readonly number[]): number[] {
  return stageFloat(p.second, stageFloat(p.first, x.map((v) => toReal(v, p.first.xFormat))));
}

export function pairSchedule(p: DiagCirculantPairPlan): EngineSchedule {
  return {
    n: p.k, inputs: p.first.inputs, outputs: p.second.outputs, passes: p.passes, unloadLatency: foldedUnloadLatency(true),
    extra: { cycles: p.k + WRITEBACK_GAP, text: 'write-back (K + 4)' },
  };
}

export function pairTiming(p: DiagCirculantPairPlan): LayerTiming {
  const first = engineFirstOutput(pairSchedule(p));
  return {
    outputs: (inputs) => Array.from({ length: p.second.outputs }, (_, i) => inputs[inputs.length - 1] + first + i),
    nextReady: (_inputs, outputs) => outputs[outputs.length - 1] + 1,
  };
}

export function pairCost(p: DiagCirculantPairPlan): LayerCost {
  const e = engineCycles(pairSchedule(p));
  const a = diagCirculantCost(p.first);
  const b = diagCirculantCost(p.second);
  const c = p.first.core;
  return {
    cycles: { latency: e.latency, period: e.period, formula: e.formula },
    ops: {
      multiplies: a.ops.multiplies + b.ops.multiplies,
      adds: a.ops.adds + b.ops.adds,
      weightReads: a.ops.weightReads + b.ops.weightReads,
      // the write-back writes every position (as the second layer's load would) and reads
      // every position (where the first layer's unload read its outputs)
      bufferWrites: a.ops.bufferWrites + b.ops.bufferWrites,
      bufferReads: a.ops.bufferReads + b.ops.bufferReads - p.first.outputs + p.k,
      parameters: a.ops.parameters + b.ops.parameters,
    },
    hardware: {
      // one engine, one z x d multiplier
      multipliers: c.butterflies * c.multipliers + 1,
      bufferBits: c.k * 2 * c.zWidth,
      weightBits: c.butterflies * (c.k / 2) * 2 * (2 * p.hWidth + c.engine.twiddleWidth) +
        p.first.outputs * (p.first.dWidth + p.first.bWidth) + p.second.outputs * (p.second.dWidth + p.second.bWidth),
    },
  };
}

/** preload: with d and b in SPRAM, preload the simulation model (default true; false tests the config-port load) */
export function pairRtl(p: DiagCirculantPairPlan, opts: { preload?: boolean } = {}): LayerRtl {
  const { first, second } = p;
  const c1 = first.core;
  const c2 = second.core;
  const top = `${p.name}_top`;
  const cyc = pairCost(p).cycles;
  const head2 = foldedHead(second);
  const d = generateEngineRtl({
    top,
    e: c1.engine,
    multipliers: c1.multipliers,
    passes: p.passes,
    pmul: { hWidth: p.hWidth, words: [...packHalfSpectrum(c1.hHalf, p.hWidth), ...packHalfSpectrum(c2.hHalf, p.hWidth)], shift: c1.pmulRequant.shift },
    load: { type: 'real', inputs: first.inputs, xWidth: c1.xWidth, shiftIn: c1.shiftIn, signs: null },
    unload: diagOutputStage(head2, second.outputs, {
      outputs: first.outputs, shiftIn: c2.shiftIn, head: foldedHead(first),
      ...(p.spram ? { dbSpram: { words: pairLoadWords(p).map((w) => w.toString(16).padStart(Math.ceil((dbWidths(p).dW + dbWidths(p).bW) / 4), '0')), preload: opts.preload } } : {}),
    }),
    writeBack: { passes1: p.passes1, pmulShift2: c2.pmulRequant.shift },
    title: `${top}: two diagonal-circulant layers (Araujo et al. 2020) on one folded FFT engine, ` +
      `${first.inputs} -> ${first.outputs} -> ${second.outputs}, K = ${p.k}`,
    params: {
      layers: `${first.name}, then ${second.name} (fft.shareEngine)`,
      size: p.k,
      input: formatName(first.xFormat),
      [`${first.name}`]: `c, d, b: ${describeSource(first.weightSource)}; d ${formatName(first.dFormat)}, bias ${formatName(first.bFormat)}; ` +
        `output ${formatName(first.yFormat)}, shift ${first.requant.shift}, ${first.requant.rounding}, ${first.requant.overflow}, ${first.activation}`,
      [`${second.name}`]: `c, d, b: ${describeSource(second.weightSource)}; d ${formatName(second.dFormat)}, bias ${formatName(second.bFormat)}; ` +
        `output ${formatName(second.yFormat)}, shift ${second.requant.shift}, ${second.requant.rounding}, ${second.requant.overflow}, ${second.activation}`,
      engine: describeFoldedCore(c1),
      spectra: `${formatName(c1.hFormat)} and ${formatName(c2.hFormat)} in ${p.hWidth}-bit fields; product shifts ${c1.pmulRequant.shift} and ${c2.pmulRequant.shift}`,
    },
    notes: [
      `y = act2(requant2(d2 o C2 x2 + b2)), x2 = act1(requant1(d1 o C1 x + b1)); C x = Re IFFT(FFT(c) o FFT(x)), inputs zero-padded to K.`,
      `Schedule: load ${first.inputs} inputs (zero-fill to ${p.k}); ${first.name}'s ${c1.log2k} DIF passes, spectral product, ${c1.log2k} DIT passes;`,
      `write-back: each position p read through ${first.name}'s output stage and written back as ${second.name}'s input`,
      `(p >= ${first.outputs}: 0), ${p.k} reads + ${WRITEBACK_GAP} idle cycles; ${second.name}'s passes; unload ${second.outputs} outputs.`,
      `Latency, first input to last output, no stalls: ${cyc.latency} cycles; period back to back ${cyc.period} cycles.`,
      ...(p.spram ? [`d and b of both layers in SPRAM: config port cfg_addr 0 = restart the load, 1 = write the next {b, d} word (dense_loader.v).`] : []),
    ],
    busy: true,
  });
  return {
    sources: d.sources,
    top: d.top,
    io: d.io,
    params: {
      K: p.k, inputs: first.inputs, outputs: second.outputs, fftWidth: c1.zWidth, twiddleWidth: c1.engine.twiddleWidth,
      architecture: 'folded', butterflies: c1.butterflies, sharedBy: `${first.name}, ${second.name}`,
    },
    extraPorts: [
      { name: 'busy', dir: 'output', width: 1 },
      ...(p.spram
        ? [
            { name: 'cfg_we', dir: 'input' as const, width: 1 },
            { name: 'cfg_addr', dir: 'input' as const, width: 2 },
            { name: 'cfg_data', dir: 'input' as const, width: dbWidths(p).dW + dbWidths(p).bW },
          ]
        : []),
    ],
  };
}

/**
 * The run-time registers of a pair with its d and b in SPRAM: the config port
 * is dense_loader.v (0 = restart at word 0, 1 = write the next {b, d} word);
 * setup is a restart and every word of pairLoadWords. The model follows the
 * loader's pointer (wrapping at 2^aw; a word past the memory's end changes
 * nothing) and computes with the d and b the memory holds.
 */
export function pairRegisters(p: DiagCirculantPairPlan): LayerRegisters | null {
  if (!p.spram) return null;
  const spec = pairLoadWords(p);
  const { dW, bW } = dbWidths(p);
  const ww = dW + bW;
  const size = 2 ** Math.max(1, Math.ceil(Math.log2(spec.length)));
  const mem = [...spec];
  let ptr = 0;
  let current: DiagCirculantPairPlan = p;
  const decode = (): DiagCirculantPairPlan => {
    const field = (u: bigint, lo: number, w: number) => fromUnsigned(BigInt.asUintN(w, u >> BigInt(lo)), w);
    const layer = (l: FoldedDiag, at: number): FoldedDiag => {
      const d = l.d.map((_, i) => field(mem[at + i], 0, dW));
      const bias = l.d.map((_, i) => field(mem[at + i], dW, bW));
      return { ...l, d, bias };
    };
    return { ...p, first: layer(p.first, 0), second: layer(p.second, p.first.outputs) };
  };
  return {
    setup: () => ({
      writes: [{ reg: 0, value: 0 }, ...spec.map((value) => ({ reg: 1, value: Number(value) }))],
      summary: `loaded d and b of ${p.first.name} and ${p.second.name} into SPRAM (${spec.length} words of ${ww} bits)`,
      task: 'loading d and b',
    }),
    write(reg, value) {
      if (reg === 0) {
        ptr = 0;
        return { effect: 'd/b load restarted at the first word', applied: true, clearsOverflow: false };
      }
      if (reg !== 1) return { effect: `no register ${reg} (0 = restart the d/b load, 1 = next {b, d} word)`, applied: false, clearsOverflow: false };
      const u = BigInt.asUintN(ww, BigInt(value));
      const a = ptr;
      ptr = (ptr + 1) % size;
      if (a >= spec.length) return { effect: `word ${a} is past the end of the d/b memory (${spec.length} words): no change`, applied: true, clearsOverflow: false };
      mem[a] = u;
      current = decode();
      const [l, i] = a < p.first.outputs ? [p.first, a] : [p.second, a - p.first.outputs];
      const d = fromUnsigned(BigInt.asUintN(dW, u), dW);
      const b = fromUnsigned(BigInt.asUintN(bW, u >> BigInt(dW)), bW);
      return { effect: `word ${a}: ${l.name} d[${i}] = ${d}, b[${i}] = ${b}${u === spec[a] ? '' : ' (not the spec\'s)'}`, applied: true, clearsOverflow: false };
    },
    reference: (x) => pairReference(current, x),
  };
}

function describeLayer(p: DiagCirculantPlan): string {
  return `${p.name}: ${p.inputs} -> ${p.outputs}, c, d, b ${describeSource(p.weightSource)}, input ${formatName(p.xFormat)}, ` +
    `spectrum ${formatName(p.core.hFormat)}, d ${formatName(p.dFormat)}, bias ${formatName(p.bFormat)} (<< ${p.biasShift}), ` +
    `output ${formatName(p.yFormat)}: shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}, ${p.activation}`;
}

/** The fused layer's kind (not in the registry: only the fuse face makes its plans); its reference checks its inputs like every kind's. */
export const diagCirculantPair: LayerKind<DiagCirculantSpec, DiagCirculantPairPlan> = Object.freeze(withInputCheck(defineKind<DiagCirculantSpec, DiagCirculantPairPlan>({
  kind: 'diag-circulant-pair',
  summary: 'Two diag-circulant layers on one shared folded FFT engine (made by the network planner from fft.shareEngine)',
  schema: diagCirculantSpecSchema,
  plan: () => {
    throw new CircaInputError('kind: "diag-circulant-pair" is not a spec kind; write two diag-circulant layers, the second with "fft": { "shareEngine": true }');
  },
  shape: (p) => ({
    inputs: p.first.inputs, outputs: p.second.outputs, inWidth: p.first.xWidth, outWidth: p.second.yWidth, inFormat: p.first.xFormat, outFormat: p.second.yFormat,
  }),
  reference: pairReference,
  float: pairFloat,
  outputToReal: (p, y) => toReal(y, p.second.yFormat),
  inputToReal: (p, x) => toReal(x, p.first.xFormat),
  io: (p) => ({ inLanes: 1, inWidth: p.first.xWidth, outLanes: 1, outWidth: p.second.yWidth, inBeats: p.first.inputs, outBeats: p.second.outputs }),
  rtl: (p) => pairRtl(p),
  resources: (p, ctx) => foldedPairResources(ctx, p.first.core, p.second.core, p.passes, p.hWidth, p.second.yWidth, p.first, p.second, p.spram),
  cost: pairCost,
  timing: pairTiming,
  registers: pairRegisters,
  describe: (p) => [
    `diag-circulant ${p.first.name} + ${p.second.name} on one shared folded engine (fft.shareEngine), ${p.first.inputs} -> ${p.first.outputs} -> ${p.second.outputs}, K = ${p.k}`,
    describeFoldedCore(p.first.core),
    describeLayer(p.first),
    describeLayer(p.second),
  ],
})));

/**
 * The fuse face of diag-circulant: null unless the layer asks for
 * fft.shareEngine; then the pair, or an error naming `${field}fft.shareEngine`.
 */
export function fuseDiagCirculant(prev: { kind: LayerKind<any, any>; plan: unknown } | null, p: DiagCirculantPlan, field: string): FusedLayer | null {
  if (!p.shareEngine) return null;
  const at = `${field}fft.shareEngine`;
  const bad = (msg: string): never => {
    throw new CircaInputError(`${at}: ${msg}`);
  };
  if (!prev) {
    bad(field
      ? 'the first layer has no previous layer whose engine it could share'
      : 'a single layer has no previous layer whose engine it could share; use it in a network after a folded diag-circulant layer');
  }
  if (prev!.kind.fuse !== diagCirculantFuse) bad(`the previous layer is a ${prev!.kind.kind} layer; only a folded diag-circulant layer's engine can be shared`);
  const a = prev!.plan as DiagCirculantPlan;
  if (a.shareEngine) bad(`the previous layer (${a.name}) already shares the layer before it's engine; an engine is shared by two layers at most`);
  if (a.core.arch !== 'folded') bad(`the previous layer (${a.name}) uses the streaming FFT; its fft.architecture must be "folded" to share its engine`);
  if (p.core.arch !== 'folded') bad('needs "architecture": "folded"');
  const c1 = a.core as FoldedCorePlan;
  const c2 = p.core as FoldedCorePlan;
  const same = (what: string, x: unknown, y: unknown) => {
    if (x !== y) bad(`the shared engine needs the same ${what} in both layers: ${a.name} has ${String(x)}, this layer ${String(y)}`);
  };
  same('circulant size K', c1.k, c2.k);
  same('fft.dataWidth', c1.engine.memWidth, c2.engine.memWidth);
  same('fft.twiddleWidth', c1.engine.twiddleWidth, c2.engine.twiddleWidth);
  same('fft.rounding', c1.engine.rounding, c2.engine.rounding);
  same('fft.butterflies', c1.butterflies, c2.butterflies);
  same('fft.multipliers', c1.multipliers, c2.multipliers);
  if (a.outputs !== p.inputs) bad(`this layer takes ${p.inputs} inputs but ${a.name} gives ${a.outputs}; shapes must chain`);
  if (a.yFormat.int !== p.xFormat.int || a.yFormat.frac !== p.xFormat.frac) {
    bad(`this layer's input format ${formatName(p.xFormat)} differs from ${a.name}'s output format ${formatName(a.yFormat)}; they must match`);
  }
  const split = c1.pmulRequant.shift !== c2.pmulRequant.shift;
  const passes: FoldedPass[] = [...c1.passes, ...c2.passes.map((q) => (q.mode === 'pmul' && split ? { ...q, shift: 1 } : q))];
  const name = `${a.name}_${p.name}`.slice(0, MAX_NAME_LENGTH - 4);
  const plan: DiagCirculantPairPlan = {
    name,
    first: a as FoldedDiag,
    second: p as FoldedDiag,
    k: c1.k,
    passes,
    passes1: c1.passes.length,
    hWidth: Math.max(c1.hWidth, c2.hWidth),
    spram: p.memory === 'spram',
  };
  return { kind: diagCirculantPair, plan };
}

/** The face as the kind registers it (typed to the plan), and as fuseDiagCirculant recognises a diag-circulant neighbour. */
export const diagCirculantFuse = (prev: { kind: LayerKind<any, any>; plan: unknown } | null, p: DiagCirculantPlan, field: string): FusedLayer | null =>
  fuseDiagCirculant(prev, p, field);
