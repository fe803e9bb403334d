/**
 * Resource model: predicted logic cells (LUTs), flip-flops, DSPs (SB_MAC16),
 * EBR (4 kbit SB_RAM40_4K) and SPRAM per layer and in total, from the plan
 * the RTL is emitted from (inventory.ts), before any tool runs.
 *
 *   DSP, EBR, SPRAM  exact: yosys' own mapping rules, replayed (memory.ts);
 *                    SPRAM is the memories the RTL marks ram_style "huge"
 *                    (block-circulant spectra), counted on any part
 *   FF, LUT4, carry  per component, a linear model over the component's
 *                    datapath widths, with coefficients fitted to yosys runs
 *                    (bench/estimate-calibrate.ts: each kind's in its
 *                    coefficients face, src/layers/<kind>/coefficients.ts;
 *                    the rest the target's, Target.coefficients), plus
 *                    explicit terms for what the mapping rules put in logic:
 *                    soft multipliers, memories left to logic, the muxes
 *                    after multi-block memories
 *   logic cells      what nextpnr reports as ICESTORM_LC (FlowReport.cells.logicCells):
 *                    a LUT4, its flip-flop and its carry share one cell, so
 *                    LC = LUT4 + pff * FF + pcarry * carry, the share of
 *                    flip-flops and carries that find no LUT to pack with
 *                    fitted to real builds
 *
 * `lut` in every result is logic cells, the figure nextpnr and `circa build`
 * report and the part limits count.
 */
import type { Design } from '../network/design.ts';
import type { FlowReport, Toolchain } from '../flow/index.ts';
import { partOf, partTitle } from '../target/index.ts';
import { designInventory, type DesignInventory, type LayerInventory } from './inventory.ts';
import type { CoefficientFamily, FamilyModels, LinearModel, MemoryMapping, SharedCoefficients, Target, TargetMapping } from '../target/index.ts';
import { LAYER_KINDS } from '../layers/index.ts';

/**
 * The coefficients the resource model prices with: the target's shared ones
 * (soft multipliers, memories in logic, packing) and the LUT/FF/carry models
 * of every component by name (`kinds`: the kinds' coefficients faces and the
 * target's components that are no kind: stream_link, network, board, generic).
 */
export interface Coefficients extends Omit<SharedCoefficients, 'components'> {
  kinds: Record<string, Record<CoefficientFamily, FamilyModels>>;
}

/** The registered kinds' component models for one toolchain (their coefficients faces), by component name. */
export function kindModels(toolchain: Toolchain): Record<string, Record<CoefficientFamily, FamilyModels>> {
  const out: Record<string, Record<CoefficientFamily, FamilyModels>> = {};
  const owner = new Map<string, { kind: string; model: object }>();
  for (const kind of Object.values(LAYER_KINDS)) {
    for (const [name, model] of Object.entries(kind.coefficients ?? {})) {
      const other = owner.get(name);
      // a component two kinds share (the folded FFT engine) is one model, the same object in both faces
      if (other && other.model !== model) throw new Error(`coefficients: component "${name}" has different models in kinds ${other.kind} and ${kind.kind}`);
      owner.set(name, { kind: kind.kind, model });
      out[name] = model[toolchain];
    }
  }
  return out;
}

/** The coefficients a part of `target` is priced with under `toolchain`. */
export function coefficientsFor(target: Target, toolchain: Toolchain): Coefficients {
  const { components, ...shared } = target.coefficients[toolchain];
  return { ...shared, kinds: { ...components, ...kindModels(toolchain) } };
}

export interface ResourceCounts {
  /** logic cells (ICESTORM_LC) */
  lut: number;
  ff: number;
  dsp: number;
  ebr: number;
  spram: number;
}

export interface ResourceRow extends ResourceCounts {
  /** layer, link or wrapper name */
  name: string;
  /** layer kind, 'stream_link', 'network', 'board' */
  kind: string;
  /** yosys-level counts behind `lut` */
  lut4: number;
  carry: number;
  notes: string[];
}

export interface MultiplierMapping {
  name: string;
  a: number;
  b: number;
  y: number;
  count: number;
  /** SB_MAC16 per instance (0 on HX/LP parts, or when yosys leaves it in logic) */
  dspEach: number;
  /** instances one SB_MAC16 serves (2: the dual 8x8 mode); default 1 */
  perDsp?: number;
  /** bit-products per instance left in soft logic */
  softBits: number;
}

export interface ResourceEstimate {
  part: string;
  /** the part's family inside its target (iCE40: ultraplus, hx, lp) */
  family: string;
  toolchain: Toolchain;
  /** the UART board top is included */
  board: boolean;
  rows: ResourceRow[];
  total: ResourceCounts & { lut4: number; carry: number };
  memories: (MemoryMapping & { owner: string })[];
  multipliers: MultiplierMapping[];
  /** where the LUT/FF coefficients came from */
  source: string;
  /**
   * layer kinds without a resource face (priced roughly from their cost
   * faces): with any of these, no count is exact
   */
  unmodelled: string[];
}

export interface ResourceOptions {
  part: string;
  /** yowasp (default, what `circa build` uses) or native: yosys versions differ in LUTs */
  toolchain?: Toolchain;
  /** include the UART board top (default true: what `circa build` synthesises) */
  board?: boolean;
  /** coefficients to use instead of the fitted ones (calibration) */
  coefficients?: Coefficients;
}

const round = (x: number) => Math.max(0, Math.round(x));

function evalModel(m: LinearModel | undefined, f: Record<string, number>): number {
  if (!m) return 0;
  let s = 0;
  for (const [k, c] of Object.entries(m)) s += c * (f[k] ?? 0);
  return s;
}

/** LUT4 and carries of soft multiplier slices, given as operand widths (a, b). */
function softMul(c: Coefficients, widths: [number, number][]): { lut4: number; carry: number } {
  let lut4 = 0;
  let carry = 0;
  for (const [a, b] of widths) {
    lut4 += c.softMul.lutPerBit * a * b + c.softMul.lut0;
    carry += c.softMul.carryPerWidth * (a + b) + c.softMul.carry0;
  }
  return { lut4: Math.max(0, lut4), carry: Math.max(0, carry) };
}

/**
 * A ROM split by depth (a dense layer's "ebr-split": MemorySpec.logicTail
 * words in LUTs after the blocks): per bit of the word, the mux over the
 * block part's address chunks and the tail's 16-word LUT ROMs, and the
 * registered select. Fitted (least squares) to yosys 0.23 `synth_ice40
 * -device u -dsp` of the generated ROM module alone on six shapes (words x
 * bits, tail words: 784 x 80, 16; 1,568 x 40, 32; 7,840 x 8, 160; 400 x 24,
 * 144; 300 x 16, 44; 260 x 16, 4): 280, 185, 178, 252, 72 and 19 SB_LUT4
 * measured, 264, 210, 167, 251, 73 and 42 predicted.
 */
const SPLIT_LUT = { perChunk: 0.3276, perTailLut: 0.9742, perBit: 1.6697 };
function splitLogic(m: MemoryMapping): { lut4: number; ff: number } {
  const perBit = SPLIT_LUT.perChunk * (m.chunks - 1) + SPLIT_LUT.perTailLut * Math.ceil(m.logicTail! / 16) + SPLIT_LUT.perBit;
  // flip-flops: the registered chunk and tail selects and the tail's read, which yosys folds (42 for 784 x 80, 9 for 7,840 x 8)
  return { lut4: m.width * perBit, ff: Math.ceil(m.width / 2) + 2 };
}

/** Logic a memory adds outside any block RAM: RAM/ROM in logic, or the chunk mux after the blocks. */
function memoryLogic(c: Coefficients, m: MemoryMapping): { lut4: number; ff: number } {
  if (m.logicTail) return splitLogic(m);
  if (m.target === 'ebr' || m.target === 'spram') {
    if (m.chunks <= 1) return { lut4: 0, ff: 0 };
    return { lut4: c.memory.chunkMuxPerBit * (m.chunks - 1) * m.width, ff: Math.ceil(Math.log2(m.chunks)) };
  }
  if (m.rom) return { lut4: m.width * Math.max(c.memory.romMinPerBit, c.memory.romPerBitWord * m.depth), ff: m.width };
  return { lut4: c.memory.ramPerBitWord * m.width * Math.max(0, m.depth - 1), ff: m.depth * m.width + m.width };
}

/**
 * The explicit (not fitted per kind) part of a component: soft multipliers
 * and memory logic, priced with the shared coefficients.
 */
export function explicitCost(c: Coefficients, inv: LayerInventory, ultraplus: boolean, mapping: TargetMapping): { lut4: number; ff: number; carry: number } {
  let lut4 = 0;
  let ff = 0;
  let carry = 0;
  for (const m of inv.multipliers) {
    const widths: [number, number][] = ultraplus ? mapping.dspCount(m.a, m.b, m.y).softWidths : [[m.a, m.b]];
    const s = softMul(c, widths);
    lut4 += m.count * s.lut4;
    carry += m.count * s.carry;
  }
  for (const m of inv.memories) {
    const l = memoryLogic(c, mapping.mapMemory(m));
    lut4 += l.lut4;
    ff += l.ff;
  }
  return { lut4, ff, carry };
}

function familyModels(c: Coefficients, kind: string, family: CoefficientFamily): FamilyModels | undefined {
  const k = c.kinds[kind];
  return k ? k[family] : undefined;
}

interface RowParts {
  row: ResourceRow;
  mems: (MemoryMapping & { owner: string })[];
  muls: MultiplierMapping[];
}

function componentRow(c: Coefficients, inv: LayerInventory, family: 'ultraplus' | 'hx', ultraplus: boolean, mapping: TargetMapping): RowParts {
  const notes: string[] = [];
  const mems = inv.memories.map((m) => ({ ...mapping.mapMemory(m), owner: inv.name }));
  const muls: MultiplierMapping[] = inv.multipliers.map((m) => {
    const d = ultraplus ? mapping.dspCount(m.a, m.b, m.y) : { dsp: 0, softBits: m.a * m.b };
    return { ...m, dspEach: d.dsp, softBits: d.softBits };
  });
  const modelKind = inv.generic ? 'generic' : inv.model ?? inv.kind;
  const fm = familyModels(c, modelKind, family);
  if (!fm) notes.push(`no LUT/FF model for kind ${inv.kind}`);
  if (inv.generic) notes.push(`kind ${inv.kind} has no resource face (LayerKind.resources): priced from its cost face (rough)`);
  const ex = explicitCost(c, inv, ultraplus, mapping);
  const lut4 = evalModel(fm?.lut, inv.features) + ex.lut4;
  const ff = evalModel(fm?.ff, inv.features) + ex.ff;
  const carry = evalModel(fm?.carry, inv.features) + ex.carry;
  const row: ResourceRow = {
    name: inv.name,
    kind: inv.kind,
    lut: 0,
    lut4: round(lut4),
    ff: round(ff),
    carry: round(carry),
    dsp: muls.reduce((s, m) => s + Math.ceil(m.count / (m.perDsp ?? 1)) * m.dspEach, 0),
    ebr: mems.reduce((s, m) => s + (m.target === 'ebr' ? m.blocks : 0), 0),
    spram: mems.reduce((s, m) => s + (m.target === 'spram' ? m.blocks : 0), 0),
    notes,
  };
  return { row, mems, muls };
}

function fixedRow(c: Coefficients, name: string, kind: string, features: Record<string, number>, family: 'ultraplus' | 'hx'): ResourceRow {
  const fm = familyModels(c, kind, family);
  return {
    name, kind, lut: 0, dsp: 0, ebr: 0, spram: 0,
    lut4: round(evalModel(fm?.lut, features)),
    ff: round(evalModel(fm?.ff, features)),
    carry: round(evalModel(fm?.carry, features)),
    notes: fm ? [] : [`no model for ${kind}`],
  };
}

/** Predict the resources of an inventory on a part. */
export function predictInventory(inv: DesignInventory, opts: ResourceOptions): ResourceEstimate {
  const toolchain = opts.toolchain ?? 'yowasp';
  const board = opts.board ?? true;
  const { part, model, target } = partOf(opts.part, 'part');
  const c = opts.coefficients ?? coefficientsFor(target, toolchain);
  // the target says how a part is priced (iCE40: UltraPlus multiplies on SB_MAC16; HX and LP share the logic fabric, no DSP: one model)
  const ultraplus = model.hardMultipliers;
  const family = model.coefficientFamily;
  const comps = [...inv.layers, ...inv.links, ...(board && inv.board ? [inv.board] : [])];
  const parts = comps.map((l) => componentRow(c, l, family, ultraplus, target.mapping));
  const rows = parts.map((p) => p.row);
  if (inv.isNetwork) {
    rows.splice(inv.layers.length + inv.links.length, 0, fixedRow(c, 'network top', 'network', { one: 1, layers: inv.layers.length }, family));
  }
  for (const r of rows) r.lut = round(r.lut4 + c.packing.ff * r.ff + c.packing.carry * r.carry);
  const sum = (k: keyof ResourceCounts | 'lut4' | 'carry') => rows.reduce((s, r) => s + r[k], 0);
  return {
    part: part.name,
    family: part.family,
    toolchain,
    board,
    rows,
    total: { lut: sum('lut'), ff: sum('ff'), dsp: sum('dsp'), ebr: sum('ebr'), spram: sum('spram'), lut4: sum('lut4'), carry: sum('carry') },
    memories: parts.flatMap((p) => p.mems),
    multipliers: parts.flatMap((p) => p.muls),
    source: c.source,
    unmodelled: [...new Set(comps.filter((l) => l.generic).map((l) => l.kind))],
  };
}

/** The inventory of a design, with the board top (the cycle count sets how often its memories are read). */
export function inventoryOf(design: Design): DesignInventory {
  return designInventory(design.net, design.isNetwork, design.cost().latency, true);
}

/** Predict the resources of a design on a part, before any tool runs. */
export function predictResources(design: Design, opts: ResourceOptions): ResourceEstimate {
  return predictInventory(inventoryOf(design), opts);
}

/* ------------------------------------------------------------------------ */
/* Predicted vs actual                                                        */
/* ------------------------------------------------------------------------ */

export interface ResourceComparisonRow {
  resource: 'lut' | 'ff' | 'dsp' | 'ebr' | 'spram';
  label: string;
  predicted: number;
  actual: number;
  /** (predicted - actual) / actual in %, null when actual is 0 and predicted is not */
  errorPct: number | null;
  /** DSP, EBR and SPRAM must match exactly; LUT and FF within the model's tolerance */
  ok: boolean;
}

export interface ResourceComparison {
  part: string;
  toolchain: Toolchain;
  rows: ResourceComparisonRow[];
  /** every row ok */
  ok: boolean;
}

/** LUT and FF predictions are meant to land within this of the real count. */
export const LOGIC_TOLERANCE_PCT = 20;

const LABELS: Record<ResourceComparisonRow['resource'], string> = {
  lut: 'logic cells',
  ff: 'flip-flops',
  dsp: 'DSP (SB_MAC16)',
  ebr: 'EBR (4 kbit)',
  spram: 'SPRAM (256 kbit)',
};

export function errorPct(predicted: number, actual: number): number | null {
  if (actual === 0) return predicted === 0 ? 0 : null;
  return (100 * (predicted - actual)) / actual;
}

/** Predicted next to what a build used, with errors in %. */
export function compareResources(predicted: ResourceEstimate, report: FlowReport): ResourceComparison {
  const rows = (['lut', 'ff', 'dsp', 'ebr', 'spram'] as const).map((k): ResourceComparisonRow => {
    const p = predicted.total[k];
    const a = report.cells[k];
    const e = errorPct(p, a);
    const ok = k === 'lut' || k === 'ff' ? e !== null && Math.abs(e) <= LOGIC_TOLERANCE_PCT : p === a;
    return { resource: k, label: LABELS[k], predicted: p, actual: a, errorPct: e, ok };
  });
  return { part: report.part, toolchain: report.toolchain, rows, ok: rows.every((r) => r.ok) };
}

/** A plain-text table of a comparison. */
export function formatResourceComparison(c: ResourceComparison): string {
  const out = [
    `predicted vs actual, ${partTitle(c.part)}, toolchain ${c.toolchain}`,
    `${'resource'.padEnd(20)}${'predicted'.padStart(10)}${'actual'.padStart(9)}${'error'.padStart(9)}`,
  ];
  for (const r of c.rows) {
    const e = r.errorPct === null ? 'n/a' : `${r.errorPct >= 0 ? '+' : ''}${r.errorPct.toFixed(1)}%`;
    out.push(`${r.label.padEnd(20)}${String(r.predicted).padStart(10)}${String(r.actual).padStart(9)}${e.padStart(9)}${r.ok ? '' : '  !'}`);
  }
  return out.join('\n');
}

/** A plain-text table of a prediction, one row per component. */
export function formatResourceEstimate(e: ResourceEstimate): string {
  const lim = partOf(e.part).part.limits;
  const head = `${'component'.padEnd(24)}${'kind'.padEnd(13)}${'LC'.padStart(7)}${'FF'.padStart(7)}${'DSP'.padStart(5)}${'EBR'.padStart(5)}${'SPRAM'.padStart(7)}`;
  const line = (r: { name: string; kind: string } & ResourceCounts) =>
    `${r.name.slice(0, 23).padEnd(24)}${r.kind.padEnd(13)}${String(r.lut).padStart(7)}${String(r.ff).padStart(7)}${String(r.dsp).padStart(5)}${String(r.ebr).padStart(5)}${String(r.spram).padStart(7)}`;
  return [
    `predicted resources on ${partTitle(e.part)} (${e.toolchain} toolchain${e.board ? ', with the board top' : ''})`,
    head,
    ...e.rows.map(line),
    line({ name: 'total', kind: '', ...e.total }),
    line({ name: 'available', kind: '', lut: lim.lut, ff: lim.lut, dsp: lim.dsp, ebr: lim.ebr, spram: lim.spram }),
  ].join('\n');
}
