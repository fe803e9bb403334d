/**
 * Design-space sweeps: every combination of the --vary values applied to a
 * spec, each point evaluated with the models (cycles, resources, fit,
 * energy: milliseconds a point), optionally built for real (sweep-synth.ts).
 *
 *   --vary <key>=<v1>,<v2>,...   a dotted path into the spec
 *                                ("layers.0.lanes", "layers[2].weights.format.frac",
 *                                "placement.radius" for a single layer), or a shorthand:
 *     lanes=...   the lanes of every layer that has lanes (tvscm, dense), capped
 *                 at what the layer allows (a dense layer's outputs, a TVSCM's n)
 *     width=...   the total width of every input, weight and output format, as
 *                 Q0.(width-1) (frac = width - 1), so the layers still chain
 *     butterflies=..., architecture=streaming,folded, fftWidth=...
 *                 every FFT section (a circulant kind's `fft`, a bare fft):
 *                 folded engines' units, the architecture, the data width
 *     outChannels=..., channels=..., kernel=..., stride=..., window=...
 *                 the shape fields the kinds list in their vary face
 *                 (`vary.fields`), set on every layer that has one; in a
 *                 network the later layers then take the image it gives
 *                 (height, width, channels; a head's inputs), and so does a
 *                 dotted path to such a field (layers.0.outChannels)
 * Points are numbered in the order of the product, the first --vary varying
 * slowest; --shard i/N keeps the points whose index % N == i - 1, and
 * `sweep merge` joins shard CSVs back into the unsharded CSV, byte for byte.
 */
import { CircaInputError, CircaError } from '../errors.ts';
import { didYouMean } from '../suggest.ts';
import { designFromPlan, type Design } from '../network/design.ts';
import { planAny } from '../network/plan.ts';
import { kindNamed, LAYER_KINDS } from '../layers/index.ts';
import { loadLayerSpec } from '../layers/load.ts';
import type { ImageShape } from '../layers/types.ts';
import { DSP_MODES, type DspMode } from '../layers/formats.ts';
import type { Board } from '../target/index.ts';
import type { FlowReport, Toolchain } from '../flow/index.ts';
import { fitCheck } from './fit.ts';
import { energyPerInference } from './energy.ts';
import { ASIC_45NM, ICE40_UP5K } from './tables.ts';
import { paretoScatter } from './svg.ts';

export type VaryValue = number | string | boolean;

export interface Vary {
  key: string;
  values: VaryValue[];
}

export const SHORTHANDS: Record<string, string> = {
  lanes: 'lanes of every layer that has lanes (tvscm, dense), capped at what the layer allows',
  width: 'total width W of every input, weight and output format, as Q0.(W-1)',
  bits: 'total width W of every input, weight, bias and output format, keeping each format\'s integer bits (for trained networks: give real weights, e.g. --weights from circa train)',
  butterflies: 'butterfly units B of every folded FFT engine (fft.butterflies of the circulant kinds, butterflies of a bare folded fft)',
  architecture: 'FFT architecture (streaming or folded) of every FFT section; folded takes 1 butterfly unit unless butterflies is varied too (vary architecture first)',
  fftWidth: 'data width of every FFT section (fft.dataWidth, dataWidth of a bare fft)',
  dsp: 'SB_MAC16 mode (single or dual8) of every layer that has one (dense, tvscm, conv2d, conv1d); dual8 needs operands of at most 8 bits and an UltraPlus part',
};


/**
 * The shape-field shorthands: every field some kind lists in its vary face
 * (`vary.fields`: a conv layer's outChannels, channels, kernel, stride, a
 * pool's window), with the kinds that have it.
 */
export function fieldShorthands(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, k] of Object.entries(LAYER_KINDS)) {
    for (const f of k.vary?.fields ?? []) if (!Object.hasOwn(SHORTHANDS, f)) out.set(f, [...(out.get(f) ?? []), name]);
  }
  return out;
}

/** Every shorthand with what it sets: the fixed ones and the kinds' shape fields. */
export function shorthands(): Record<string, string> {
  const fields = [...fieldShorthands()].map(([f, kinds]) => [f, `${f} of every ${kinds.join(', ')} layer (a network's later layers take the image it gives)`]);
  return { ...SHORTHANDS, ...Object.fromEntries(fields) };
}

/**
 * The layers after layer `from` of a network take the image the layer before
 * each gives (its kind's `images` face), through every image layer and a
 * head with `inputs` (the flattened feature map), so that a shape field varied
 * in one layer keeps the network chained. It stops at a layer that does not
 * plan (the point is then invalid with that layer's own message) or one that
 * takes no image.
 */
function rechain(layers: Record<string, unknown>[], from: number): void {
  for (let i = from + 1; i < layers.length; i++) {
    const prev = kindNamed(layers[i - 1].kind);
    if (!prev?.images) return;
    let image: ImageShape;
    try {
      image = prev.images(loadLayerSpec(layers[i - 1], `layers[${i - 1}].`).plan).output;
    } catch (e) {
      if (e instanceof CircaError) return;
      throw e;
    }
    const l = layers[i];
    const take = kindNamed(l.kind)?.vary?.input;
    if (take) take(l, image);
    else if (typeof l.inputs === 'number') l.inputs = image.height * image.width * image.channels;
    else return;
  }
}

/** The FFT sections of a layer spec, as its kind's vary face names them (the circulant kinds: `fft`; a bare fft: itself). */
function fftSections(l: Record<string, unknown>): Record<string, unknown>[] {
  return kindNamed(l.kind)?.vary?.fftSections?.(l) ?? [];
}

function parseValue(s: string): VaryValue {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  return t;
}

/** `key=v1,v2,...` -> { key, values }. */
export function parseVary(arg: string): Vary {
  const m = /^([^=]+)=(.*)$/.exec(arg);
  if (!m || !m[1].trim()) throw new CircaInputError(`--vary: expected key=v1,v2,... (e.g. lanes=1,2,4), got "${arg}"`);
  const key = m[1].trim();
  const parts = m[2].split(',');
  if (!m[2].trim() || parts.some((p) => !p.trim())) throw new CircaInputError(`--vary ${key}: expected a comma-separated list of values, got "${m[2]}"`);
  const values = parts.map(parseValue);
  if (key === 'architecture') {
    const bad = values.find((v) => v !== 'streaming' && v !== 'folded');
    if (bad !== undefined) throw new CircaInputError(`--vary architecture: values must be streaming or folded, got "${bad}"`);
  }
  if (key === 'dsp') {
    const bad = values.find((v) => !(DSP_MODES as readonly VaryValue[]).includes(v));
    if (bad !== undefined) throw new CircaInputError(`--vary dsp: values must be ${DSP_MODES.join(' or ')}, got "${bad}"`);
  }
  if (key === 'lanes' || key === 'width' || key === 'bits' || key === 'butterflies' || key === 'fftWidth') {
    const bad = values.find((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1);
    if (bad !== undefined) throw new CircaInputError(`--vary ${key}: values must be positive integers, got "${bad}"`);
    if (key === 'width') {
      const w = values.find((v) => (v as number) < 2 || (v as number) > 32);
      if (w !== undefined) throw new CircaInputError(`--vary width: must be in 2..32 (a Q0.(W-1) format), got ${w}`);
    }
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+|\[\d+\])*$/.test(key)) {
    throw new CircaInputError(`--vary: "${key}" is not a dotted path (e.g. layers.0.lanes) or a shorthand (${Object.keys(shorthands()).join(', ')})`);
  }
  return { key, values };
}

/** "a.b[2].c" -> ["a", "b", 2, "c"] */
function pathOf(key: string): (string | number)[] {
  return key.replace(/\[(\d+)\]/g, '.$1').split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;


function layersOf(spec: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(spec.layers) ? (spec.layers as Record<string, unknown>[]) : [spec];
}

/** Apply one --vary value to a spec (a copy is returned). */
export function applyVary(spec: unknown, key: string, value: VaryValue): unknown {
  const out = clone(spec) as Record<string, unknown>;
  if (key === 'lanes') {
    // each kind says what its parallelism is and caps it (LayerKind.vary.lanes)
    const laned = layersOf(out).filter((l) => kindNamed(l.kind)?.vary?.lanes);
    for (const l of laned) kindNamed(l.kind)!.vary!.lanes!(l, value as number);
    // a value no layer can take is not quietly capped into another point: the
    // first layer gets it as given, and the spec's own check refuses it
    if (laned.length && laned.every((l) => l.lanes !== value)) laned[0].lanes = value;
    return out;
  }
  const fieldKinds = Object.hasOwn(SHORTHANDS, key) ? undefined : fieldShorthands().get(key);
  if (fieldKinds) {
    // a shape field of every layer of the kinds that list it; the spec checks the value
    const ls = layersOf(out);
    const idx = ls.map((l, i) => (fieldKinds.includes(String(l.kind)) ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) throw new CircaInputError(`--vary ${key}: no layer of the spec has ${key} (a field of ${fieldKinds.join(', ')} layers); use a dotted path`);
    for (const i of idx) ls[i][key] = value;
    if (Array.isArray(out.layers)) rechain(ls, idx[0]);
    return out;
  }
  if ((key === 'butterflies' || key === 'architecture' || key === 'fftWidth') && !layersOf(out).some((l) => fftSections(l).length)) {
    throw new CircaInputError(`--vary ${key}: the spec has no FFT section to set (an "fft" object of a circulant layer, or a bare fft's "architecture"); give the field first or use a dotted path`);
  }
  if (key === 'butterflies') {
    for (const l of layersOf(out)) for (const f of fftSections(l)) if (f.architecture === 'folded') f.butterflies = value;
    return out;
  }
  if (key === 'architecture') {
    for (const l of layersOf(out)) {
      for (const f of fftSections(l)) {
        f.architecture = value;
        if (value === 'streaming') {
          delete f.butterflies;
          kindNamed(l.kind)?.vary?.streamingSection?.(l, f);
        }
      }
    }
    return out;
  }
  if (key === 'fftWidth') {
    for (const l of layersOf(out)) for (const f of fftSections(l)) f.dataWidth = value;
    return out;
  }
  if (key === 'dsp') {
    // the kinds whose multipliers have an SB_MAC16 mode say so in their vary face (vary.dsp)
    const layers = layersOf(out).filter((l) => kindNamed(l.kind)?.vary?.dsp);
    if (!layers.length) {
      const kinds = Object.entries(LAYER_KINDS).filter(([, k]) => k.vary?.dsp).map(([name]) => name);
      throw new CircaInputError(`--vary dsp: the spec has no layer with an SB_MAC16 mode (kinds ${kinds.join(', ')})`);
    }
    for (const l of layers) kindNamed(l.kind)!.vary!.dsp!(l, value as DspMode);
    return out;
  }
  if (key === 'bits') {
    // keep each format's integer bits; the fraction bits make up the width (at least 0)
    const w = value as number;
    const re = (f: unknown) => {
      const q = f as { int: number; frac: number };
      const int = Math.min(q.int, w - 1);
      return { int, frac: w - 1 - int };
    };
    for (const l of layersOf(out)) {
      if (l.input && typeof l.input === 'object') l.input = re(l.input);
      const wt = l.weights as Record<string, unknown> | undefined;
      if (wt && typeof wt === 'object') {
        for (const k of ['format', 'biasFormat', 'diagFormat']) if (wt[k] && typeof wt[k] === 'object') wt[k] = re(wt[k]);
      }
      const o = l.output as Record<string, unknown> | undefined;
      if (o && typeof o === 'object' && o.format && typeof o.format === 'object') l.output = { ...o, format: re(o.format) };
    }
    return out;
  }
  if (key === 'width') {
    const f = { int: 0, frac: (value as number) - 1 };
    for (const l of layersOf(out)) {
      const own = kindNamed(l.kind)?.vary?.width;
      if (own) {
        own(l, f);
        continue;
      }
      l.input = { ...f };
      if (l.weights && typeof l.weights === 'object') {
        const w = l.weights as Record<string, unknown>;
        w.format = { ...f };
        if (w.biasFormat !== undefined) w.biasFormat = { ...f };
      }
      const o = (l.output && typeof l.output === 'object' ? l.output : {}) as Record<string, unknown>;
      l.output = { ...o, format: { ...f } };
    }
    return out;
  }
  const path = pathOf(key);
  let node: unknown = out;
  for (let i = 0; i < path.length - 1; i++) {
    const p = path[i];
    const next = (node as Record<string | number, unknown>)[p];
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new CircaInputError(`--vary ${key}: the spec has no "${path.slice(0, i + 1).join('.')}" to set "${path[path.length - 1]}" in`);
    }
    node = next;
  }
  (node as Record<string | number, unknown>)[path[path.length - 1]] = value;
  // a shape field of a network's layer (layers.2.outChannels): the layers after it take the image it now gives
  if (path.length === 3 && path[0] === 'layers' && typeof path[1] === 'number' && Array.isArray(out.layers)) {
    const ls = out.layers as Record<string, unknown>[];
    if (kindNamed(ls[path[1]]?.kind)?.vary?.fields?.includes(String(path[2]))) rechain(ls, path[1]);
  }
  return out;
}

export interface SweepPoint {
  index: number;
  values: VaryValue[];
  spec: unknown;
}

/**
 * Refuse a dotted --vary path whose last field the spec's schema does not
 * know (a misspelling would make every point invalid): the field is set to
 * the first value and the spec validated; an "unknown field" error for it
 * is the answer, with the schema's "did you mean" when it has one.
 */
export function checkVaryKey(spec: unknown, v: Vary): void {
  if (Object.hasOwn(shorthands(), v.key)) return;
  const path = pathOf(v.key);
  const leaf = path[path.length - 1];
  if (typeof leaf !== 'string') return;
  let parent: unknown = spec;
  for (const p of path.slice(0, -1)) parent = (parent as Record<string | number, unknown> | undefined)?.[p];
  if (typeof parent === 'object' && parent !== null && Object.hasOwn(parent, leaf)) return;
  try {
    designOfSpec(applyVary(spec, v.key, v.values[0]));
  } catch (e) {
    if (!(e instanceof CircaError)) throw e;
    const line = e.message.split('\n').find((l) => l.includes(`unknown field ${JSON.stringify(leaf)}`));
    if (line) {
      const hint = /\(did you mean [^)]*\)/.exec(line)?.[0] ?? (path.length === 1 ? didYouMean(leaf, Object.keys(shorthands())).trim() : '');
      throw new CircaInputError(`--vary ${v.key}: the spec has no field ${JSON.stringify(leaf)} there${hint ? ` ${hint}` : ''}; not sweeping`);
    }
  }
}

/** Every combination, the first vary slowest. */
export function expandPoints(spec: unknown, varies: Vary[]): SweepPoint[] {
  const keys = new Set<string>();
  for (const v of varies) {
    if (keys.has(v.key)) throw new CircaInputError(`--vary ${v.key}: given twice; list all values in one --vary`);
    keys.add(v.key);
    checkVaryKey(spec, v);
  }
  let combos: VaryValue[][] = [[]];
  for (const v of varies) combos = combos.flatMap((c) => v.values.map((x) => [...c, x]));
  return combos.map((values, index) => ({
    index,
    values,
    spec: varies.reduce((s, v, k) => applyVary(s, v.key, values[k]), spec),
  }));
}

/** "i/N" -> { i, n }, i in 1..N. */
export function parseShard(s: string): { i: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new CircaInputError(`--shard: expected i/N (e.g. 1/4), got "${s}"`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || i < 1 || i > n) throw new CircaInputError(`--shard: i must be in 1..N, got ${i}/${n}`);
  return { i, n };
}

export function inShard(index: number, shard?: { i: number; n: number }): boolean {
  return !shard || index % shard.n === shard.i - 1;
}

/* ------------------------------------------------------------------------ */
/* Evaluation                                                                 */
/* ------------------------------------------------------------------------ */

export interface PointResult {
  index: number;
  values: VaryValue[];
  /** 'ok', or 'invalid' when the spec does not plan (the error says why) */
  status: 'ok' | 'invalid';
  error: string;
  parameters?: number;
  macs?: number;
  memoryAccesses?: number;
  cycles?: number;
  latencyUs?: number;
  /** predicted logic cells (a LUT4 with its flip-flop and carry) */
  logicCells?: number;
  /** the same as logicCells, under its older name */
  lut?: number;
  ff?: number;
  dsp?: number;
  ebr?: number;
  spram?: number;
  fits?: boolean;
  energyIce40PJ?: number;
  energyAsicPJ?: number;
  /** fixed-point accuracy on the dataset's test images (sweep --dataset) */
  accuracy?: number;
  /**
   * why --synth does not build this point: its memories exceed everything
   * the part holds on chip, so no tool run can fit it (and yosys would spend
   * long on the ROMs finding out)
   */
  noSynth?: string;
  /** filled by --synth */
  synth?: { status: 'ok' | 'failed' | 'skipped'; error: string; logicCells?: number; lut?: number; ff?: number; dsp?: number; ebr?: number; spram?: number; fmaxMHz?: number | null };
}

export function designOfSpec(spec: unknown): Design {
  return designFromPlan(planAny(spec), typeof spec === 'object' && spec !== null && 'layers' in spec);
}

/** Evaluate one point with the models. */
export function evaluatePoint(p: SweepPoint, board: Board, toolchain: Toolchain, accuracyOf?: (d: Design) => number): PointResult {
  let design: Design;
  try {
    design = designOfSpec(p.spec);
  } catch (e) {
    if (e instanceof CircaError) return { index: p.index, values: p.values, status: 'invalid', error: e.message.split('\n')[0] };
    throw e;
  }
  const cost = design.cost();
  const fit = fitCheck(design, board.part, { toolchain, advise: false });
  const est = fit.estimate;
  const links = design.isNetwork ? design.net.layers.reduce((s, l) => s + 2 * l.io.outBeats, 0) : 0;
  const opts = { part: board.part, clockMHz: board.clock.mhz, toolchain };
  const memRow = fit.rows.find((r) => r.resource.startsWith('memory bits'));
  return {
    ...(memRow && memRow.status === 'over' ? { noSynth: `memory bits ${memRow.need} > ${memRow.have} on chip` } : {}),
    index: p.index,
    values: p.values,
    status: 'ok',
    error: '',
    parameters: cost.ops.parameters,
    macs: cost.ops.multiplies,
    memoryAccesses: cost.ops.weightReads + cost.ops.bufferReads + cost.ops.bufferWrites + links,
    cycles: cost.latency,
    latencyUs: cost.latency / board.clock.mhz,
    logicCells: est.total.lut,
    lut: est.total.lut,
    ff: est.total.ff,
    dsp: est.total.dsp,
    ebr: est.total.ebr,
    spram: est.total.spram,
    fits: fit.fits,
    energyIce40PJ: energyPerInference(design, ICE40_UP5K, opts).totalPJ,
    energyAsicPJ: energyPerInference(design, ASIC_45NM, opts).totalPJ,
    ...(accuracyOf ? { accuracy: accuracyOf(design) } : {}),
  };
}

/** Attach a build's result to a point. */
export function withSynth(r: PointResult, report: FlowReport | { error: string } | { skipped: string }): PointResult {
  if ('skipped' in report) return { ...r, synth: { status: 'skipped', error: report.skipped } };
  if ('error' in report) return { ...r, synth: { status: 'failed', error: report.error.split('\n').slice(0, 2).join(' ').trim() } };
  const c = report.cells;
  return { ...r, synth: { status: 'ok', error: '', logicCells: c.logicCells, lut: c.logicCells, ff: c.ff, dsp: c.dsp, ebr: c.ebr, spram: c.spram, fmaxMHz: report.fmaxMHz } };
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                        */
/* ------------------------------------------------------------------------ */

const MODEL_COLUMNS = [
  'status', 'error', 'parameters', 'macs', 'memory_accesses', 'cycles', 'latency_us',
  'logic_cells', 'ff', 'dsp', 'ebr', 'spram', 'fits', 'energy_ice40_up5k_pj', 'energy_asic_45nm_pj', 'accuracy',
] as const;
const SYNTH_COLUMNS = ['synth_status', 'synth_error', 'actual_logic_cells', 'actual_ff', 'actual_dsp', 'actual_ebr', 'actual_spram', 'fmax_mhz'] as const;

export function csvHeader(keys: string[], synth: boolean): string[] {
  return ['index', ...keys, ...MODEL_COLUMNS, ...(synth ? SYNTH_COLUMNS : [])];
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s: string;
  if (typeof v === 'number') s = Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
  else s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(r: PointResult, synth: boolean): string {
  const cells: unknown[] = [
    r.index, ...r.values, r.status, r.error, r.parameters, r.macs, r.memoryAccesses, r.cycles, r.latencyUs,
    r.logicCells, r.ff, r.dsp, r.ebr, r.spram, r.fits === undefined ? '' : r.fits ? 'yes' : 'no', r.energyIce40PJ, r.energyAsicPJ, r.accuracy,
  ];
  if (synth) {
    const s = r.synth;
    cells.push(s?.status, s?.error, s?.logicCells, s?.ff, s?.dsp, s?.ebr, s?.spram, s?.fmaxMHz);
  }
  return cells.map(csvCell).join(',');
}

export function toCsv(keys: string[], rows: PointResult[], synth: boolean): string {
  return [csvHeader(keys, synth).join(','), ...rows.map((r) => csvRow(r, synth))].join('\n') + '\n';
}

/** Split one CSV line into cells (quotes as csvCell writes them). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Merge shard CSVs: same header, rows joined and sorted by index. The same
 * index in two files must hold the same row.
 */
export function mergeCsv(files: { name: string; text: string }[]): string {
  if (!files.length) throw new CircaInputError('sweep merge: no CSV files given');
  let header: string | undefined;
  const rows = new Map<number, { line: string; from: string }>();
  for (const f of files) {
    const lines = f.text.split(/\r?\n/).filter((l) => l.length > 0);
    if (!lines.length) throw new CircaInputError(`${f.name}: empty; expected a sweep CSV with a header`);
    if (!lines[0].startsWith('index,')) throw new CircaInputError(`${f.name}: the first line is not a sweep CSV header (it starts "${lines[0].slice(0, 20)}")`);
    if (header === undefined) header = lines[0];
    else if (lines[0] !== header) throw new CircaInputError(`${f.name}: its columns differ from ${files[0].name}'s; merge shards of one sweep only`);
    for (const line of lines.slice(1)) {
      const idx = Number(splitCsvLine(line)[0]);
      if (!Number.isInteger(idx)) throw new CircaInputError(`${f.name}: row "${line.slice(0, 30)}" has no integer index`);
      const prev = rows.get(idx);
      if (prev && prev.line !== line) throw new CircaInputError(`${f.name}: point ${idx} differs from the one in ${prev.from}`);
      rows.set(idx, { line, from: f.name });
    }
  }
  return [header!, ...[...rows.keys()].sort((a, b) => a - b).map((k) => rows.get(k)!.line)].join('\n') + '\n';
}

/** Parse a sweep CSV back into header and rows of named cells. */
export function parseCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = splitCsvLine(lines[0]);
  return { header, rows: lines.slice(1).map((l) => Object.fromEntries(splitCsvLine(l).map((c, i) => [header[i], c]))) };
}

/* ------------------------------------------------------------------------ */
/* Pareto plot                                                                */
/* ------------------------------------------------------------------------ */

/** Accuracy vs logic cells (actual ones when built), coloured by energy (ice40-up5k): the accuracy/cost front. */
export function accuracySvg(title: string, keys: string[], rows: PointResult[]): string {
  const pts = rows.filter((r) => r.status === 'ok' && r.accuracy !== undefined).map((r) => {
    const lut = r.synth?.status === 'ok' ? r.synth.logicCells! : r.logicCells!;
    return {
      x: lut,
      // error rate on a log axis: the front of accuracy against cost reads top-left
      y: Math.max(1e-4, 1 - r.accuracy!) * 100,
      c: r.energyIce40PJ! / 1e3,
      ok: r.fits! && r.synth?.status !== 'failed',
      label: `#${r.index} ${keys.map((k, i) => `${k}=${r.values[i]}`).join(' ')}: ${(100 * r.accuracy!).toFixed(2)}% accuracy, ${lut} logic cells, ` +
        `${(r.energyIce40PJ! / 1e3).toPrecision(3)} nJ${r.fits ? '' : ', does not fit'}`,
    };
  });
  return paretoScatter(title, 'logic cells', 'test error (%)', 'energy (nJ)', pts);
}

/** Energy (ice40-up5k) vs latency, coloured by logic cells (actual ones when built), points that do not fit crossed. */
export function sweepSvg(title: string, keys: string[], rows: PointResult[]): string {
  const pts = rows.filter((r) => r.status === 'ok').map((r) => ({
    x: r.latencyUs!,
    y: r.energyIce40PJ! / 1e3,
    c: r.synth?.status === 'ok' ? r.synth.logicCells! : r.logicCells!,
    ok: r.fits! && r.synth?.status !== 'failed',
    label: `#${r.index} ${keys.map((k, i) => `${k}=${r.values[i]}`).join(' ')}: ${r.latencyUs!.toFixed(1)} us, ` +
      `${(r.energyIce40PJ! / 1e3).toPrecision(3)} nJ, ${r.synth?.status === 'ok' ? `${r.synth.logicCells} logic cells (built)` : `${r.logicCells} logic cells (predicted)`}${r.fits ? '' : ', does not fit'}`,
  }));
  return paretoScatter(title, 'latency per inference (us)', 'energy per inference, ice40-up5k (nJ)', 'logic cells', pts);
}
