/**
 * Fit check: does a design fit a part, before any tool runs? The resource
 * model (resources.ts) gives what the design needs; the part table
 * (src/target/ice40/parts.ts) what the part has. DSP, EBR and SPRAM predictions are
 * exact (yosys' own mapping rules), so a design over those limits is refused.
 * Logic cells are predicted within about 20%: a design predicted over the
 * limit by more than that is refused, one closer to it is marginal (allowed,
 * the tools decide). When it does not fit, the advice says what would: fewer
 * lanes, another part, a structured layer in place of a dense one, or the
 * changes a layer's kind offers through its fit face (LayerKind.smaller: a
 * folded FFT, fewer butterfly units, 3 multipliers), each priced here.
 *
 * SPRAM: a layer with "memory": "spram" (block-circulant spectra, dense
 * weights) keeps its weights in SB_SPRAM256KA blocks (UltraPlus only; yosys
 * maps them whatever the part, and nextpnr then fails), so on an HX/LP part
 * the SPRAM row is over and the advice names the layer's `memory` field,
 * what "ebr" would need instead, and the UltraPlus boards. The other way
 * round, when the EBR is over on an UltraPlus part, the advice tries
 * "memory": "spram" on each layer that takes it and says what that needs.
 */
import type { Design } from '../network/design.ts';
import { designFromPlan } from '../network/design.ts';
import { planAny, specLayers } from '../network/plan.ts';
import { listBoards, loadBoard, partOf, partTitle, sameTargetParts } from '../target/index.ts';
import type { Toolchain } from '../flow/index.ts';
import { LOGIC_TOLERANCE_PCT, predictResources, type ResourceEstimate } from './resources.ts';

/** SB_SPRAM256KA: 256 kbit (docs/references.md; the iCE40 target's mapping.blockBits.spram). */
export const SPRAM_BITS = 256 * 1024;

/** On-chip memory bits of a part: its block and large RAMs, in the sizes its target maps them to. */
function memoryBitsOf(part: string, limits: { ebr: number; spram: number }): number {
  const bits = partOf(part).target.mapping.blockBits;
  return limits.ebr * bits.ebr + limits.spram * bits.spram;
}

export interface FitRow {
  resource: string;
  need: number;
  have: number;
  /** 'over': refused; 'marginal': logic within the model's error of the limit */
  status: 'ok' | 'marginal' | 'over';
}

export interface FitResult {
  part: string;
  fits: boolean;
  rows: FitRow[];
  advice: string;
  estimate: ResourceEstimate;
}

export interface FitOptions {
  toolchain?: Toolchain;
  /** include the board top (default true) */
  board?: boolean;
  /** search for what would fit instead when it does not (default true; sweeps skip it) */
  advise?: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');

function rowsFor(e: ResourceEstimate, memBits: number): FitRow[] {
  const lim = partOf(e.part).part.limits;
  // a kind the model does not know makes every count rough: never refuse on it
  const over: FitRow['status'] = e.unmodelled.length ? 'marginal' : 'over';
  const lutStatus = e.total.lut <= lim.lut ? 'ok' : e.total.lut <= lim.lut * (1 + LOGIC_TOLERANCE_PCT / 100) ? 'marginal' : over;
  const exact = (need: number, have: number): FitRow['status'] => (need <= have ? 'ok' : over);
  return [
    { resource: 'logic cells', need: e.total.lut, have: lim.lut, status: lutStatus },
    { resource: 'DSP (SB_MAC16)', need: e.total.dsp, have: lim.dsp, status: exact(e.total.dsp, lim.dsp) },
    { resource: 'EBR (4 kbit)', need: e.total.ebr, have: lim.ebr, status: exact(e.total.ebr, lim.ebr) },
    { resource: 'SPRAM (256 kbit)', need: e.total.spram, have: lim.spram, status: exact(e.total.spram, lim.spram) },
    // every memory bit the design holds, against every on-chip memory bit the part has
    { resource: 'memory bits (EBR + SPRAM)', need: memBits, have: memoryBitsOf(e.part, lim), status: exact(memBits, memoryBitsOf(e.part, lim)) },
  ];
}

function memoryBits(e: ResourceEstimate): number {
  return e.memories.reduce((s, m) => s + m.depth * m.width, 0);
}

/**
 * The design with every layer's lanes (a block-circulant layer's `macs`)
 * capped (undefined when no layer has lanes to cap or the spec cannot be planned).
 */
function withLaneCap(design: Design, cap: number): Design | undefined {
  let changed = false;
  const layers = specLayers(design.net.layers).map((l) => {
    const spec = { ...(l.spec as Record<string, unknown>) };
    for (const field of ['lanes', 'macs']) {
      const v = spec[field];
      if (typeof v === 'number' && v > cap) {
        spec[field] = cap;
        changed = true;
      }
    }
    return spec;
  });
  if (!changed) return undefined;
  try {
    const raw = design.isNetwork ? { network: design.net.name, schedule: design.net.schedule, layers } : layers[0];
    return designFromPlan(planAny(raw), design.isNetwork);
  } catch {
    return undefined;
  }
}

/** The design with some layers' specs changed (undefined when it cannot be planned). */
function withLayerSpecs(design: Design, change: (spec: Record<string, unknown>, index: number) => Record<string, unknown>): Design | undefined {
  const layers = specLayers(design.net.layers).map((l) => change({ ...(l.spec as Record<string, unknown>) }, l.index));
  try {
    const raw = design.isNetwork ? { network: design.net.name, schedule: design.net.schedule, layers } : layers[0];
    return designFromPlan(planAny(raw), design.isNetwork);
  } catch {
    return undefined;
  }
}

/**
 * What to do when the SPRAM row is over: name each layer that asks for SPRAM
 * by its field, say what its memory "ebr" would need on this part, and which
 * boards have the SPRAM.
 */
function spramAdvice(design: Design, e: ResourceEstimate, opts: FitOptions): string[] {
  const lines: string[] = [];
  const have = partOf(e.part).part.limits.spram;
  const users = design.net.layers.filter((l) => (l.plan as { memory?: string }).memory === 'spram');
  for (const l of users) {
    const field = design.isNetwork ? `layers[${l.index}].memory` : 'memory';
    const blocks = e.memories.filter((m) => m.target === 'spram' && m.name.startsWith(`${(l.plan as { name: string }).name}.`)).reduce((s, m) => s + m.blocks, 0);
    lines.push(
      `${field}: "spram" puts the weights of ${(l.plan as { name: string }).name} in ${blocks} SB_SPRAM256KA block(s); ` +
        (have ? `${partTitle(e.part)} has ${have}` : `${partTitle(e.part)} has no SPRAM (only the UltraPlus parts do)`),
    );
  }
  const userSet = new Set(users.map((l) => l.index));
  const ebr = withLayerSpecs(design, (s, k) => (userSet.has(k) ? { ...s, memory: 'ebr' } : s));
  if (ebr && users.length) {
    const e2 = predictResources(ebr, { part: e.part, toolchain: opts.toolchain, board: opts.board });
    const lim = partOf(e.part).part.limits;
    lines.push(
      `with "memory": "ebr" it needs ${e2.total.ebr} EBR (${partTitle(e.part)} has ${lim.ebr}), ${n(e2.total.lut)} logic cells (has ${n(lim.lut)}): ` +
        (fitsAll(e2) ? 'that fits' : 'that does not fit either'),
    );
  }
  // (the SPRAM row is over: the parts with enough SPRAM are the UltraPlus ones)
  const up = sameTargetParts(e.part).filter((p) => p.limits.spram >= e.total.spram).map((p) => p.name);
  const boards = up.flatMap((p) => boardsWithPart(p));
  lines.push(`use "memory": "ebr", or an UltraPlus board${boards.length ? ` (${boards.join(', ')})` : ''}`);
  return lines;
}

/**
 * What to do when the EBR is over on a part with SPRAM: try "memory": "spram"
 * on each layer whose weights are not in SPRAM yet (a layer whose kind or
 * shape does not take it fails to plan and is skipped), then on all of those
 * that take it, and say what that needs.
 */
function toSpramAdvice(design: Design, e: ResourceEstimate, opts: FitOptions): string[] {
  const lim = partOf(e.part).part.limits;
  if (lim.spram === 0) return [];
  const takers: { index: number; name: string }[] = [];
  design.net.layers.forEach((l, k) => {
    if ((l.plan as { memory?: string }).memory === 'spram') return;
    const d = withLayerSpecs(design, (s, i) => (i === k ? { ...s, memory: 'spram' } : s));
    if (!d) return;
    const e1 = predictResources(d, { part: e.part, toolchain: opts.toolchain, board: opts.board });
    if (e1.total.spram > e.total.spram && e1.total.ebr < e.total.ebr) takers.push({ index: k, name: (l.plan as { name: string }).name });
  });
  if (!takers.length) return [];
  const set = new Set(takers.map((t) => t.index));
  const d = withLayerSpecs(design, (s, i) => (set.has(i) ? { ...s, memory: 'spram' } : s));
  if (!d) return [];
  const e2 = predictResources(d, { part: e.part, toolchain: opts.toolchain, board: opts.board });
  const fields = takers.map((t) => `${design.isNetwork ? `layers[${t.index}].memory` : 'memory'} (${t.name})`).join(', ');
  const rest = rowsFor(e2, memoryBits(e2)).filter((r) => r.status === 'over');
  return [
    `with "memory": "spram" on ${fields} the weights load at run time (\`circa run\`) and it needs ${e2.total.ebr} EBR ` +
      `(${partTitle(e.part)} has ${lim.ebr}), ${e2.total.spram} SPRAM (has ${lim.spram}): ` +
      (rest.length ? `still over: ${rest.map((r) => `${r.resource} ${n(r.need)}/${n(r.have)}`).join(', ')}` : 'that fits'),
  ];
}

/**
 * What the layer kinds' fit faces (LayerKind.smaller: an FFT architecture,
 * fewer butterfly units, ...) would need: for each layer that offers changes,
 * the first (fastest) that makes the design fit with room (else within the
 * logic model's error), else its smallest with what stays over; then, when several layers offer changes, each one's first that
 * fits alone (else its smallest) made together.
 */
function smallerAdvice(design: Design, e: ResourceEstimate, opts: FitOptions): string[] {
  const lines: string[] = [];
  const lim = partOf(e.part).part.limits;
  const price = (d: Design) => predictResources(d, { part: e.part, toolchain: opts.toolchain, board: opts.board });
  const needs = (e2: ResourceEstimate) => {
    const rows = rowsFor(e2, memoryBits(e2));
    const rest = rows.filter((r) => r.status === 'over');
    const marginal = rows.some((r) => r.status === 'marginal');
    return `${n(e2.total.lut)} logic cells, ${e2.total.dsp} DSP, ${e2.total.ebr} EBR, ${e2.total.spram} SPRAM ` +
      `(${partTitle(e.part)}: ${n(lim.lut)}, ${lim.dsp}, ${lim.ebr}, ${lim.spram}): ` +
      (rest.length ? `still over: ${rest.map((r) => r.resource).join(', ')}`
        : marginal ? `that may fit (logic within the model's ${LOGIC_TOLERANCE_PCT}% of the limit: the tools decide)` : 'that fits');
  };
  const chosen = new Map<number, Record<string, unknown>>();
  for (const l of design.net.layers) {
    const alts = l.kind.smaller?.(l.spec as Record<string, unknown>) ?? [];
    const priced = alts.flatMap((a) => {
      const d = withLayerSpecs(design, (s, k) => (k === l.index ? a.spec : s));
      return d ? [{ a, e2: price(d) }] : [];
    });
    if (!priced.length) continue;
    // none fits: the smallest (by its share of the part's logic, DSP and EBR)
    const share = (x: ResourceEstimate) => x.total.lut / lim.lut + x.total.dsp / Math.max(1, lim.dsp) + x.total.ebr / lim.ebr;
    // the fastest that fits with room, else the fastest within the logic model's error, else the smallest
    const clean = (x: ResourceEstimate) => rowsFor(x, memoryBits(x)).every((r) => r.status === 'ok');
    const pick = priced.find((p) => clean(p.e2)) ?? priced.find((p) => fitsAll(p.e2)) ?? priced.reduce((x, y) => (share(y.e2) < share(x.e2) ? y : x));
    chosen.set(l.index, pick.a.spec);
    const field = design.isNetwork ? `layers[${l.index}].` : '';
    lines.push(`${field}${pick.a.field}: ${pick.a.advice}; it needs ${needs(pick.e2)}`);
  }
  if (chosen.size > 1) {
    const d = withLayerSpecs(design, (s, k) => chosen.get(k) ?? s);
    if (d) lines.push(`with those changes on all ${chosen.size} layers together it needs ${needs(price(d))}`);
  }
  return lines;
}

function boardsWithPart(part: string): string[] {
  const out: string[] = [];
  for (const name of listBoards()) {
    try {
      if (loadBoard(name).part === part) out.push(name);
    } catch {
      /* a broken board file is not our concern here */
    }
  }
  return out;
}

function fitsAll(e: ResourceEstimate): boolean {
  return rowsFor(e, memoryBits(e)).every((r) => r.status !== 'over');
}

/** Advice: what is over, why, and what would fit instead. */
function advise(design: Design, e: ResourceEstimate, rows: FitRow[], opts: FitOptions): string {
  const over = rows.filter((r) => r.status === 'over');
  const marginal = rows.filter((r) => r.status === 'marginal');
  const lines: string[] = [];
  const partName = `${partTitle(e.part)}`;
  if (!over.length) {
    lines.push(`${marginal.length ? 'may fit (not refused)' : 'fits'} ${partName}: ${rows.filter((r) => r.need > 0).map((r) => `${r.resource} ${n(r.need)}/${n(r.have)}`).join(', ')}`);
    if (marginal.length) {
      lines.push(e.unmodelled.length
        ? `uncertain: ${marginal.map((r) => r.resource).join(', ')} predicted above the limit, but layer kind(s) ${e.unmodelled.join(', ')} ` +
          'are not modelled in detail (priced from their cost faces), so the tools decide'
        : `marginal: ${marginal.map((r) => r.resource).join(', ')} predicted above the limit but within the model's ${LOGIC_TOLERANCE_PCT}%; the tools decide`);
    }
    return lines.join('\n');
  }
  lines.push(`does not fit ${partName}: ${over.map((r) => `${r.resource} needs ${n(r.need)}, has ${n(r.have)}`).join('; ')}`);

  // why: the largest memories (by EBR blocks, or by bits when the bits or the SPRAM are over)
  const byBits = over.some((r) => r.resource.startsWith('memory') || r.resource.startsWith('SPRAM'));
  const bits = (m: { depth: number; width: number }) => m.depth * m.width;
  const mems = [...e.memories].sort((a, b) => (byBits ? bits(b) - bits(a) : b.blocks - a.blocks || bits(b) - bits(a)));
  const memOver = over.some((r) => r.resource.startsWith('EBR') || r.resource.startsWith('memory') || r.resource.startsWith('SPRAM'));
  if (memOver && mems.length) {
    lines.push('largest memories:');
    for (const m of mems.slice(0, 3)) {
      const where = m.target === 'ebr' ? `${m.blocks} EBR (${m.config})` : m.target === 'spram' ? `${m.blocks} SPRAM` : 'logic';
      lines.push(`  ${m.name}: ${n(m.depth)} x ${m.width} bits = ${n(m.depth * m.width)} bits -> ${where}`);
    }
  }
  const weightBits = e.memories.filter((m) => m.rom).reduce((s, m) => s + m.depth * m.width, 0);
  const maxPart = sameTargetParts(e.part).reduce((a, b) => (memoryBitsOf(e.part, a.limits) >= memoryBitsOf(e.part, b.limits) ? a : b));
  const maxBits = memoryBitsOf(e.part, maxPart.limits);
  if (weightBits > maxBits) {
    lines.push(
      `the weight ROMs hold ${n(weightBits)} bits: more than any ${partOf(e.part).target.title} holds on chip ` +
        `(the most is ${partTitle(maxPart.name)}: ${maxPart.limits.ebr} EBR + ${maxPart.limits.spram} SPRAM = ${n(maxBits)} bits). ` +
        'Fewer lanes do not shrink a ROM; fewer or narrower weights do.',
    );
  }
  // (when the memory bits are over, no placement of them fits)
  if (over.some((r) => r.resource.startsWith('EBR')) && !over.some((r) => r.resource.startsWith('memory'))) lines.push(...toSpramAdvice(design, e, opts));

  if (over.some((r) => r.resource.startsWith('SPRAM'))) lines.push(...spramAdvice(design, e, opts));

  // the kinds' own ways to shrink (folded FFT, fewer butterfly units, ...)
  lines.push(...smallerAdvice(design, e, opts));

  // what the layers' kinds advise (dense: a structured layer in place of a square one)
  // (the memories mapped by the part's target: its mapping rules)
  const { mapping } = partOf(e.part).target;
  for (const l of design.net.layers) lines.push(...(l.kind.fitAdvice?.(l.plan, mapping) ?? []));

  // fewer lanes (no help when the memory bits alone are over: lanes do not shrink a ROM)
  const bitsOver = over.some((r) => r.resource.startsWith('memory'));
  for (const cap of bitsOver ? [] : [8, 4, 2, 1]) {
    const d = withLaneCap(design, cap);
    if (!d) continue;
    const e2 = predictResources(d, { part: e.part, toolchain: opts.toolchain, board: opts.board });
    if (fitsAll(e2)) {
      lines.push(`with at most ${cap} lane(s) per layer it fits: ${e2.total.lut} logic cells, ${e2.total.dsp} DSP, ${e2.total.ebr} EBR`);
      break;
    }
  }

  // other parts
  const others: string[] = [];
  for (const p of sameTargetParts(e.part).map((x) => x.name)) {
    if (p === e.part) continue;
    const e2 = predictResources(design, { part: p, toolchain: opts.toolchain, board: opts.board });
    if (fitsAll(e2)) {
      const boards = boardsWithPart(p);
      others.push(`${partTitle(p)}${boards.length ? ` (${boards.join(', ')})` : ''}: ${e2.total.lut} logic cells, ${e2.total.dsp} DSP, ${e2.total.ebr} EBR`);
    }
  }
  lines.push(others.length ? `fits instead on ${others.join('; ')}` : `no ${partOf(e.part).target.title} part holds it as it is`);
  return lines.join('\n');
}

/** Does `design` fit `part`? Rows of need vs have, and advice. */
export function fitCheck(design: Design, part: string, opts: FitOptions = {}): FitResult {
  const estimate = predictResources(design, { part, toolchain: opts.toolchain, board: opts.board });
  const rows = rowsFor(estimate, memoryBits(estimate));
  const fits = rows.every((r) => r.status !== 'over');
  const advice = opts.advise === false
    ? (fits ? `fits ${partTitle(part)}` : `does not fit ${partTitle(part)}: ${rows.filter((r) => r.status === 'over').map((r) => `${r.resource} needs ${n(r.need)}, has ${n(r.have)}`).join('; ')}`)
    : advise(design, estimate, rows, opts);
  return { part, fits, rows, advice, estimate };
}

/** A plain-text table of a fit check. */
export function formatFit(f: FitResult): string {
  const out = [`${'resource'.padEnd(28)}${'need'.padStart(12)}${'have'.padStart(12)}  status`];
  for (const r of f.rows) out.push(`${r.resource.padEnd(28)}${n(r.need).padStart(12)}${n(r.have).padStart(12)}  ${r.status}`);
  out.push('', f.advice);
  return out.join('\n');
}
