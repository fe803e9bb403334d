/**
 * The dense resource face: input buffers (RAM, BUFFERS*N/BEAT words of
 * BEAT*X_W bits: one word per input beat), weight ROM
 * (G*N x P*W_W; with memory "spram" a RAM, ram_style "huge", and
 * dense_loader.v), bias ROM (G x P*B_W), P MACs.
 */
import { bitsFor } from '../formats.ts';
import type { LayerResources, MemoryUse, MultiplierSpec, ResourceContext } from '../resources.ts';
import type { DensePlan } from './plan.ts';
import type { TargetMapping } from '../../target/index.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** Fit advice: a square dense layer could be a TVSCM layer (2 parameters, only its lane banks in EBR). */
export function denseFitAdvice(p: DensePlan, mapping: TargetMapping): string[] {
  if (p.n !== p.m) return [];
  const bank = mapping.mapMemory({ name: 'bank', depth: Math.ceil(p.n / p.lanes), width: p.xWidth, rom: false });
  return [
    `a TVSCM layer in place of ${p.name} (dense ${p.n} x ${p.m}, ${n(p.n * p.m + p.m)} parameters) has 2 parameters ` +
      `and needs ${p.lanes * bank.blocks} EBR for its ${p.lanes} lane bank(s) of ${bank.depth} x ${p.xWidth} bits`,
  ];
}

/**
 * The weight memory: SPRAM, a ROM, or with "ebr-split" the ROM split by
 * depth, its last tailWords words in LUTs (MemorySpec.logicTail; rtl.ts
 * splitRomModule).
 */
function weightMemory(p: DensePlan, name: string, cycles: number, issues: number): MemoryUse {
  const depth = p.groups * p.n;
  const use = { width: p.wordWidth, writes: 0, reads: cycles, usefulReads: issues, weights: true };
  if (p.memory === 'spram') return { name: `${name}.wmem`, depth, rom: false, huge: true, ...use };
  if (p.memory === 'ebr-split') return { name: `${name}.wrom`, depth, rom: true, forceBlock: true, logicTail: p.tailWords, ...use };
  return { name: `${name}.wrom`, depth, rom: true, forceBlock: p.memory === 'ebr', ...use };
}

/** Dense (rtl-templates/dense_layer.v and the generated ROMs of src/layers/dense/rtl.ts). */
export function denseResources(p: DensePlan, { name, cycles }: ResourceContext): LayerResources {
  const P = p.lanes;
  const issues = p.groups * p.n;
  const memories: MemoryUse[] = [
    // input buffers of n elements (two: load overlaps compute), a word per input beat
    {
      name: `${name}.xbuf`, depth: p.buffers * p.beats, width: p.beat * p.xWidth, rom: false,
      writes: p.beats, reads: cycles, usefulReads: issues, weights: false,
    },
    weightMemory(p, name, cycles, issues),
    { name: `${name}.brom`, depth: p.groups, width: P * p.bWidth, rom: true, writes: 0, reads: cycles, usefulReads: p.groups, weights: true },
  ];
  // "dual8": two lanes' products per SB_MAC16 (dsp_dual8.v), ceil(P/2) DSPs
  const multipliers: MultiplierSpec[] = [{ name: `${name}.x*w`, a: p.xWidth, b: p.wWidth, y: p.prodWidth, count: P, ...(p.dsp === 'dual8' ? { perDsp: 2 } : {}) }];
  // issue counters k, g, the weight address and the buffer address; with wide
  // beats also the word and lane counters beside k
  const wide = p.beat > 1 ? bitsFor(p.n - 1) + bitsFor(p.beat - 1) : 0;
  const ctrl = bitsFor(p.n - 1) + bitsFor(p.groups - 1) + bitsFor(p.groups * p.n - 1) + bitsFor(p.buffers * p.beats - 1) + wide;
  return {
    memories,
    multipliers,
    arith: {
      multiplies: [{ a: p.xWidth, b: p.wWidth, y: p.prodWidth, count: issues * P }],
      adds: [
        { width: p.accWidth, count: issues * P },
        { width: p.accWidth, count: p.groups * P }, // rounding add of the requantiser
      ],
    },
    features: {
      one: 1,
      lanes: P,
      // per lane: accumulator with the bias mux, requantiser, activation, output
      lane: P * (p.accWidth + p.yWidth),
      // per lane: product and bias pipeline registers
      prod: P * (p.prodWidth + p.bWidth),
      ctrl,
    },
  };
}

