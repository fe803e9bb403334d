/**
 * Comparison of two designs (typically a dense baseline and its TVSCM
 * counterpart), each ratio a/b next to the ratio the TVSCM paper reports
 * (arXiv 2605.16443, docs/references.md):
 *
 *   MNIST    79x parameters, 80.4x memory access, 50x energy, 117x latency
 *   MIT-BIH  26x parameters, 26.2x memory access, 112x energy, 91.5x latency
 *
 * The paper's ratios are baseline / TVSCM; when a is the TVSCM design the
 * paper ratio shown is inverted to match a/b. The paper row is picked by the
 * parameter counts of the pair (623,290 / 7,852 and 24,709 / 942) or given.
 */
import type { Design } from '../network/design.ts';
import { CircaInputError } from '../errors.ts';
import { energyPerInference, formatEnergy, ENERGY_CATEGORIES, type EnergyReport } from './energy.ts';
import { ASIC_45NM, ICE40_UP5K, type EnergyTable } from './tables.ts';
import { groupedLogBars, stackedShareBars } from './svg.ts';
import { dspBound, type DspBound } from './bound.ts';
import { partOf, partTitle } from '../target/index.ts';

export interface PaperRow {
  key: 'mnist' | 'mitbih';
  label: string;
  /** parameters of the baseline and of the TVSCM network */
  parameters: [number, number];
  ratios: { parameters: number; memoryAccess: number; energy: number; latency: number };
  /** reported accuracy (%) of the baseline and of the TVSCM network */
  accuracy: [number, number];
}

export const PAPER: Record<'mnist' | 'mitbih', PaperRow> = {
  mnist: { key: 'mnist', label: 'MNIST', parameters: [623_290, 7_852], ratios: { parameters: 79, memoryAccess: 80.4, energy: 50, latency: 117 }, accuracy: [97.67, 93.54] },
  mitbih: { key: 'mitbih', label: 'MIT-BIH', parameters: [24_709, 942], ratios: { parameters: 26, memoryAccess: 26.2, energy: 112, latency: 91.5 }, accuracy: [97.6, 93.1] },
};

export interface DesignFigures {
  name: string;
  parameters: number;
  weightBits: number;
  /** weight reads + activation buffer reads and writes + link buffer writes and reads, per inference */
  memoryAccesses: number;
  macs: number;
  cycles: number;
  latencyUs: number;
  /** cycles between inferences back to back, beside the DSP bound on the part (bound.ts) */
  period: number;
  bound: DspBound;
  energy: EnergyReport[];
}

export interface CompareMetric {
  key: string;
  label: string;
  a: number;
  b: number;
  /** a / b */
  ratio: number;
  /** the paper's ratio, oriented as a/b; undefined when the paper reports none */
  paper?: number;
  /** display: formatted a and b */
  aText: string;
  bText: string;
}

export interface Comparison {
  a: DesignFigures;
  b: DesignFigures;
  part: string;
  clockMHz: number;
  paper?: PaperRow;
  /** a is the baseline (more parameters): paper ratios are used as reported */
  aIsBaseline: boolean;
  metrics: CompareMetric[];
  notes: string[];
}

export interface CompareOptions {
  clockMHz?: number;
  part?: string;
  /** an extra table besides the two built-in ones */
  table?: EnergyTable;
  /** force the paper row */
  paper?: 'mnist' | 'mitbih';
}

/** Memory accesses per inference from the cost face, plus the network's link buffers. */
function memoryAccesses(d: Design): number {
  const ops = d.cost().ops;
  const links = d.isNetwork ? d.net.layers.reduce((s, l) => s + 2 * l.io.outBeats, 0) : 0;
  return ops.weightReads + ops.bufferReads + ops.bufferWrites + links;
}

function figures(d: Design, tables: EnergyTable[], part: string, clockMHz: number): DesignFigures {
  const c = d.cost();
  return {
    name: d.name,
    parameters: c.ops.parameters,
    weightBits: c.hardware.weightBits,
    memoryAccesses: memoryAccesses(d),
    macs: c.ops.multiplies,
    cycles: c.latency,
    latencyUs: c.latency / clockMHz,
    period: c.period,
    bound: dspBound(d, part),
    energy: tables.map((t) => energyPerInference(d, t, { part, clockMHz })),
  };
}

/** The paper row for a pair of parameter counts, if they are the paper's. */
export function paperRowFor(pa: number, pb: number): PaperRow | undefined {
  return Object.values(PAPER).find((r) => (r.parameters[0] === pa && r.parameters[1] === pb) || (r.parameters[0] === pb && r.parameters[1] === pa));
}

const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });

export function compareDesigns(da: Design, db: Design, opts: CompareOptions = {}): Comparison {
  const clockMHz = opts.clockMHz ?? 12;
  const part = opts.part ?? 'UP5K';
  const tables = [ICE40_UP5K, ASIC_45NM];
  if (opts.table && !tables.some((t) => t.name === opts.table!.name)) tables.push(opts.table);
  const a = figures(da, tables, part, clockMHz);
  const b = figures(db, tables, part, clockMHz);
  const paper = opts.paper ? PAPER[opts.paper] : paperRowFor(a.parameters, b.parameters);
  const aIsBaseline = a.parameters >= b.parameters;
  const orient = (r: number | undefined) => (r === undefined ? undefined : aIsBaseline ? r : 1 / r);
  const metric = (key: string, label: string, va: number, vb: number, paperRatio?: number, fmt: (x: number) => string = n): CompareMetric => ({
    key, label, a: va, b: vb, ratio: vb === 0 ? Infinity : va / vb, paper: orient(paperRatio), aText: fmt(va), bText: fmt(vb),
  });
  const metrics: CompareMetric[] = [
    metric('parameters', 'parameters', a.parameters, b.parameters, paper?.ratios.parameters),
    metric('weightBits', 'weight memory (bits)', a.weightBits, b.weightBits),
    metric('memoryAccesses', 'memory accesses / inference', a.memoryAccesses, b.memoryAccesses, paper?.ratios.memoryAccess),
    metric('macs', 'MACs / inference', a.macs, b.macs),
    metric('cycles', 'cycles / inference', a.cycles, b.cycles),
    metric('latency', `latency at ${clockMHz} MHz (us)`, a.latencyUs, b.latencyUs, paper?.ratios.latency, (x) => x.toFixed(1)),
    metric('period', 'period (cycles, back to back)', a.period, b.period),
    // the period beside the DSP bound (multiplies per vector / SB_MAC16, two per SB_MAC16 with 8-bit operands): CNNs too
    ...(a.bound.bound !== null && b.bound.bound !== null ? [
      metric('dspBound', `DSP bound on ${part} (cycles)`, a.bound.bound, b.bound.bound),
      metric('boundRatio', 'period / DSP bound', a.bound.ratio!, b.bound.ratio!, undefined, (x) => `${x.toFixed(2)}x`),
    ] : []),
    ...tables.map((t, i) => metric(`energy:${t.name}`, `energy (${t.name})`, a.energy[i].totalPJ, b.energy[i].totalPJ, paper?.ratios.energy, formatEnergy)),
  ];
  return { a, b, part, clockMHz, paper, aIsBaseline, metrics, notes: explain(a, b, metrics, paper, aIsBaseline) };
}

/**
 * Adds the two designs' accuracies (fixed-point model on a dataset's test
 * images) as a row, with the paper's figures in a note when it is the paper's pair.
 */
export function addAccuracy(c: Comparison, a: number, b: number, label: string): void {
  const pctText = (x: number) => `${(100 * x).toFixed(2)}%`;
  c.metrics.push({ key: 'accuracy', label, a, b, ratio: b === 0 ? Infinity : a / b, aText: pctText(a), bText: pctText(b) });
  if (c.paper) {
    const [pa, pb] = c.paper.accuracy;
    const [base, tv] = c.aIsBaseline ? [a, b] : [b, a];
    c.notes.push(`accuracy: ${pctText(base)} (baseline) vs ${pctText(tv)}; the paper reports ${pa}% vs ${pb}%`);
  }
}

const top = (r: EnergyReport) => ENERGY_CATEGORIES.reduce((x, c) => (r.breakdown[c] > r.breakdown[x] ? c : x), ENERGY_CATEGORIES[0]);
const share = (r: EnergyReport, c: (typeof ENERGY_CATEGORIES)[number]) => `${((100 * r.breakdown[c]) / r.totalPJ).toFixed(0)}%`;

/** Notes where (and why) our ratios differ from the paper's. */
function explain(a: DesignFigures, b: DesignFigures, metrics: CompareMetric[], paper: PaperRow | undefined, aIsBaseline: boolean): string[] {
  const notes: string[] = [];
  const base = aIsBaseline ? a : b;
  const tv = aIsBaseline ? b : a;
  const get = (k: string) => metrics.find((m) => m.key === k)!;
  const off = (m: CompareMetric) => m.paper !== undefined && Math.abs(Math.log(m.ratio / m.paper)) > Math.log(1.1);
  const bnd = (d: DesignFigures) => (d.bound.bound === null ? `no DSP bound on ${d.bound.part}`
    : `${n(d.bound.bound)}${d.bound.perDsp > 1 ? ` (2 per DSP: operands of at most 8 bits)` : ''} (${d.bound.ratio!.toFixed(2)}x; single ${n(d.bound.single!)}, dual 8x8 ${n(d.bound.dual!)})`);
  const throughput = `throughput: a vector every ${n(base.period)} vs ${n(tv.period)} cycles; the DSP bound on ${base.bound.part} ` +
    `(multiplies per vector / ${base.bound.dsp} SB_MAC16) is ${bnd(base)} vs ${bnd(tv)}`;
  if (!paper) {
    notes.push(throughput);
    notes.push('no paper row: the parameter counts are not the paper\'s (623,290 / 7,852 or 24,709 / 942); pass --paper mnist|mitbih to compare anyway');
    return notes;
  }
  const p = get('parameters');
  notes.push(off(p)
    ? `parameters: ${n(p.ratio)}x vs ${n(p.paper!)}x: the layer shapes differ from the paper's (${n(base.parameters)} / ${n(tv.parameters)})`
    : `parameters: the counts are the paper's, ${n(base.parameters)} / ${n(tv.parameters)} = ${(base.parameters / tv.parameters).toFixed(2)}x (the paper rounds to ${paper.ratios.parameters}x)`);
  const m = get('memoryAccesses');
  notes.push(`memory access: ours counts every weight read (the TVSCM's a and b are registers, read each output), ` +
    `activation buffer writes and reads and the links between layers: ${n(base.memoryAccesses)} vs ${n(tv.memoryAccesses)} = ${m.ratio >= 1 ? n(m.ratio) : n(1 / m.ratio)}x` +
    (off(m) ? `; the paper (${paper.ratios.memoryAccess}x) does not say what it counts, so the activation traffic, which both designs share, is the likely difference` : ', close to the paper'));
  const lat = get('latency');
  const latRatio = base.cycles / tv.cycles;
  notes.push(`latency: cycle counts of these RTL schedules at one clock, ${n(base.cycles)} vs ${n(tv.cycles)} cycles = ${latRatio.toFixed(1)}x` +
    (off(lat) ? `; the paper's ${paper.ratios.latency}x comes from its own platform and parallelism; ours scales with the lanes of each layer (more dense lanes shrink the baseline's cycles)` : ''));
  notes.push(throughput);
  for (const e of metrics.filter((x) => x.key.startsWith('energy:'))) {
    const i = a.energy.findIndex((r) => `energy:${r.table}` === e.key);
    const rb = base.energy[i];
    const rt = tv.energy[i];
    const er = rb.totalPJ / rt.totalPJ;
    const offChip = rb.breakdown['off-chip'] > 0;
    const fixed = (r: EnergyReport) => (r.breakdown.clock + r.breakdown.static) / r.totalPJ;
    notes.push(`energy (${rb.table}): ${er.toFixed(1)}x vs the paper's ${paper.ratios.energy}x; the baseline's energy is ${share(rb, top(rb))} ${top(rb)}` +
      `${offChip ? ' (its weights do not fit on chip and are read from off-chip memory)' : ''}, the TVSCM's ${share(rt, top(rt))} ${top(rt)}` +
      (fixed(rb) > 0.5 && fixed(rt) > 0.5 ? '; clock and static power dominate both, so this ratio follows the cycle ratio' : '') +
      (top(rb) === 'memory' && !offChip ? '; memory energy follows the RTL, which reads every bank and ROM block on every cycle' : '') +
      (rb.approximate ? ' (approximate table)' : ''));
  }
  return notes;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                     */
/* ------------------------------------------------------------------------ */

const ratioText = (r: number | undefined) => (r === undefined ? '' : !Number.isFinite(r) ? 'inf' : r >= 100 ? `${r.toFixed(0)}x` : r >= 1 ? `${r.toFixed(2)}x` : `${r.toPrecision(3)}x`);

/** The comparison as an aligned terminal table with notes. */
export function formatComparison(c: Comparison): string {
  const head = ['metric', c.a.name, c.b.name, 'a/b', c.paper ? `paper (${c.paper.label})` : 'paper'];
  const rows = c.metrics.map((m) => [m.label, m.aText, m.bText, ratioText(m.ratio), ratioText(m.paper)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [
    `a: ${c.a.name}   b: ${c.b.name}   (${partTitle(c.part)} for the FPGA energy, clock ${c.clockMHz} MHz)`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...c.notes.map((x) => `- ${x}`),
  ].join('\n');
}

/** The comparison as a Markdown table with notes. */
export function markdownComparison(c: Comparison): string {
  const head = ['metric', `a: ${c.a.name}`, `b: ${c.b.name}`, 'a/b', c.paper ? `paper (${c.paper.label})` : 'paper'];
  const rows = c.metrics.map((m) => [m.label, m.aText, m.bText, ratioText(m.ratio), ratioText(m.paper) || '-']);
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
    `FPGA energy on ${partTitle(c.part)}, latency and energy at ${c.clockMHz} MHz.`,
    '',
    ...c.notes.map((x) => `- ${x}`),
    '',
  ].join('\n');
}

/** JSON-friendly: drops the per-event energy lines (kept: breakdowns). */
export function comparisonJson(c: Comparison): unknown {
  const slim = (d: DesignFigures) => ({ ...d, energy: d.energy.map(({ lines: _l, ...r }) => r) });
  return { ...c, a: slim(c.a), b: slim(c.b) };
}

const PALETTE: Record<string, string> = {
  multiply: '#1f77b4', add: '#aec7e8', register: '#ff7f0e', memory: '#2ca02c', 'off-chip': '#d62728', clock: '#9467bd', static: '#8c564b',
};

/** The two charts: ratio bars (ours vs paper) and the stacked energy breakdown. */
export function comparisonCharts(c: Comparison): { name: string; svg: string }[] {
  const keys = c.metrics.filter((m) => ['parameters', 'memoryAccesses', 'latency'].includes(m.key) || m.key.startsWith('energy:'));
  const ratios = groupedLogBars(
    `${c.a.name} / ${c.b.name}: ours vs paper${c.paper ? ` (${c.paper.label})` : ''}`,
    'ratio a/b (log scale)',
    [{ name: 'ours', colour: '#1f77b4' }, { name: 'paper', colour: '#bbbbbb' }],
    keys.map((m) => ({ label: m.key.startsWith('energy:') ? m.label.replace('energy ', 'energy\u00a0') : m.label.replace(/ \/ inference| at .*$/, ''), values: [m.ratio, m.paper ?? null] })),
  );
  const bars = c.a.energy.flatMap((ra, i) => [
    { d: c.a, r: ra },
    { d: c.b, r: c.b.energy[i] },
  ]).map(({ d, r }) => ({
    label: `${d.name}\n${r.table}`,
    totalLabel: formatEnergy(r.totalPJ),
    parts: ENERGY_CATEGORIES.map((k) => ({ name: k, value: r.breakdown[k] })),
  }));
  const breakdown = stackedShareBars('energy per inference: where it goes (shares; totals on top)', bars, PALETTE);
  return [{ name: 'ratios.svg', svg: ratios }, { name: 'energy-breakdown.svg', svg: breakdown }];
}

export function checkPaperFlag(v: string | undefined): 'mnist' | 'mitbih' | undefined {
  if (v === undefined) return undefined;
  if (v !== 'mnist' && v !== 'mitbih') throw new CircaInputError(`--paper: expected mnist or mitbih, got "${v}"`);
  return v;
}
