/**
 * The DSP bound: a design that does M multiplies per vector on a part with D
 * SB_MAC16 (one multiply per DSP per cycle; two when every multiply's
 * operands are at most 8 bits, the dual 8x8 mode of rtl-templates/
 * dsp_dual8.v) cannot take a vector more often than every ceil(M / D) cycles
 * (ceil(M / 2D)). The ratio period / bound says how much of the
 * part's multiply throughput the schedule uses (1.00x: every DSP busy every
 * cycle). docs/references.md "Lower bounds on cycles" gives 196 cycles for
 * tvscm-784 and 1,176 for mnist-tvscm on the UP5K (8 SB_MAC16).
 * `circa estimate` prints it beside the period, `circa compare` beside both
 * designs' periods, `npm run bench` (bench/throughput.ts) for every example.
 */
import { CircaInputError } from '../errors.ts';
import type { Design } from '../network/design.ts';
import { listBoards, loadBoard, partNames, partOf, partTitle } from '../target/index.ts';
import { layerInventory } from './inventory.ts';

export interface DspBound {
  part: string;
  /** multiplies per vector (the cost faces' useful multiplies) */
  multiplies: number;
  /** SB_MAC16 of the part */
  dsp: number;
  /**
   * multiplies one SB_MAC16 can make a cycle for this design: 2 when every
   * multiply of every layer has both operands of at most 8 bits (the dual
   * 8x8 mode, rtl-templates/dsp_dual8.v), else 1
   */
  perDsp: number;
  /** ceil(multiplies / (dsp * perDsp)) cycles; null on a part without DSPs or a design without multiplies */
  bound: number | null;
  /** one multiply per SB_MAC16 a cycle: ceil(multiplies / dsp); null as bound */
  single: number | null;
  /**
   * two per SB_MAC16 for every multiply whose operands are at most 8 bits,
   * one for the others (dualShare of the multiplies narrow):
   * ceil((narrow / 2 + wide) / dsp); null as bound
   */
  dual: number | null;
  /** the share of the multiplies with both operands of at most 8 bits (the resource faces' arith.multiplies), 0..1 */
  narrowShare: number;
  period: number;
  /** period / bound; null when there is no bound */
  ratio: number | null;
  /** multipliers the design instantiates (the cost faces' hardware.multipliers) */
  multipliers: number;
  /** ceil(multiplies / multipliers): the bound for the multipliers the design has */
  ownBound: number | null;
  ownRatio: number | null;
}

/** Widest operand of the dual 8x8 multiplier (rtl-templates/dsp_dual8.v). */
export const DUAL8_OPERAND_BITS = 8;

/**
 * Whether every multiply of the design has both operands of at most 8 bits
 * (the layers' resource faces, arith.multiplies): then an SB_MAC16 can make
 * two a cycle. A layer without a resource face counts as wide.
 */
export function allMultipliesNarrow(design: Design): boolean {
  let any = false;
  for (const l of design.net.layers) {
    const inv = layerInventory(l, 0);
    if (inv.generic) return false;
    for (const m of inv.arith.multiplies) {
      if (m.count === 0) continue;
      any = true;
      if (m.a > DUAL8_OPERAND_BITS || m.b > DUAL8_OPERAND_BITS) return false;
    }
  }
  return any;
}

/**
 * The share of a design's multiplies (the resource faces' arith.multiplies)
 * whose operands are both at most 8 bits: those an SB_MAC16 can make two of a
 * cycle. A layer without a resource face counts as wide (its cost face's
 * multiplies).
 */
export function narrowShare(design: Design): number {
  let narrow = 0;
  let all = 0;
  for (const l of design.net.layers) {
    const inv = layerInventory(l, 0);
    if (inv.generic) {
      all += l.kind.cost(l.plan).ops.multiplies;
      continue;
    }
    for (const m of inv.arith.multiplies) {
      all += m.count;
      if (m.a <= DUAL8_OPERAND_BITS && m.b <= DUAL8_OPERAND_BITS) narrow += m.count;
    }
  }
  return all > 0 ? narrow / all : 0;
}

/** The DSP bound of a design on a part, beside its period. */
export function dspBound(design: Design, part: string): DspBound {
  const c = design.cost();
  const dsp = partOf(part).part.limits.dsp;
  const m = c.ops.multiplies;
  const perDsp = dsp > 0 && m > 0 && allMultipliesNarrow(design) ? 2 : 1;
  const bound = dsp > 0 && m > 0 ? Math.ceil(m / (dsp * perDsp)) : null;
  const share = m > 0 ? narrowShare(design) : 0;
  const single = dsp > 0 && m > 0 ? Math.ceil(m / dsp) : null;
  // the narrow multiplies take half a DSP cycle each (rounded so that an all-narrow design gives ceil(m / 2D) exactly)
  const dual = single === null ? null : perDsp > 1 ? bound : Math.ceil((m - Math.floor((m * share) / 2)) / dsp);
  const mult = c.hardware.multipliers;
  const ownBound = mult > 0 && m > 0 ? Math.ceil(m / mult) : null;
  return {
    part, multiplies: m, dsp, perDsp, bound, single, dual, narrowShare: share, period: c.period, ratio: bound ? c.period / bound : null,
    multipliers: mult, ownBound, ownRatio: ownBound ? c.period / ownBound : null,
  };
}

const n = (x: number) => x.toLocaleString('en-US');

/** "period 988 cycles (DSP bound 196 on UP5K: 5.04x; 196 for its own 8 multipliers: 5.04x)" */
export function formatDspBound(b: DspBound): string {
  const on = b.bound === null
    ? (b.dsp === 0 ? `no DSP bound on ${b.part}: it has no SB_MAC16` : 'no multiplies, no DSP bound')
    : `DSP bound ${n(b.bound)} on ${b.part}${b.perDsp > 1 ? ` (${b.perDsp * b.dsp} multiplies a cycle: operands of at most ${DUAL8_OPERAND_BITS} bits, 2 per SB_MAC16)` : ''}: ${b.ratio!.toFixed(2)}x`;
  const own = b.ownBound === null ? '' : `; ${n(b.ownBound)} for its own ${b.multipliers} multiplier(s): ${b.ownRatio!.toFixed(2)}x`;
  return `period ${n(b.period)} cycles (${on}${own})${b.bound === null ? '' : `; ${formatSingleDual(b)}`}`;
}

/** "DSP bound single 1,176, dual 8x8 637 (92% of the multiplies fit 8 x 8 bits)" */
export function formatSingleDual(b: DspBound): string {
  if (b.single === null || b.dual === null) return 'no DSP bound';
  return `DSP bound single ${n(b.single)}, dual 8x8 ${n(b.dual)} (${Math.round(100 * b.narrowShare)}% of the multiplies fit 8 x 8 bits)`;
}

/**
 * Layers that pack two multiplies per SB_MAC16 ("dsp": "dual8", the dual 8x8
 * mode of rtl-templates/dsp_dual8.v) need a part with SB_MAC16: exit 2
 * naming the layer, the field and the widths on one without (HX, LP).
 */
export function checkDspPart(design: Design, part: string, flag: string): void {
  if (partOf(part).part.limits.dsp > 0) return;
  for (const l of design.net.layers) {
    const p = l.plan as { name?: string; dsp?: string; xWidth?: number; wWidth?: number };
    if (p.dsp !== 'dual8') continue;
    throw new CircaInputError(`${p.name}: dsp: "dual8" packs two ${p.xWidth} x ${p.wWidth}-bit multiplies per SB_MAC16, and ${partTitle(part)} ` +
      `(${flag}) has no SB_MAC16 (only the UltraPlus parts do): use "dsp": "single" (multipliers in logic) or an UltraPlus part`);
  }
}

/* ------------------------------------------------------------------------ */
/* Parts                                                                      */
/* ------------------------------------------------------------------------ */

/**
 * A part as typed: a part name ("UP5K", "up5k", "iCE40UP5K") or a built-in
 * board's name ("icebreaker": its part), as --board takes everywhere else;
 * exit 2 listing both otherwise.
 */
export function parsePart(s: string, flag: string): string {
  const t = s.trim().toUpperCase();
  const p = partNames().find((x) => x.toUpperCase() === t || partTitle(x).toUpperCase() === t || `${partOf(x).target.title}-${x}`.toUpperCase() === t);
  if (p) return p;
  const boards = listBoards();
  const board = boards.find((b) => b === s.trim().toLowerCase());
  if (board) return loadBoard(board).part;
  throw new CircaInputError(`${flag}: unknown part or board "${s.slice(0, 40)}"; parts: ${partNames().join(', ')}; boards: ${boards.join(', ')}`);
}
