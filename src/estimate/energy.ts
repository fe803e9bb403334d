/**
 * Energy model: the events one inference causes, times the price of each
 * event in a technology table (tables.ts), plus the clock and static power
 * over the inference's latency.
 *
 * Events (from the hardware inventory, inventory.ts, and the resource model):
 *   multiply   every multiply on new data, by operand widths; on an
 *              UltraPlus part the ones yosys maps to SB_MAC16 are priced as
 *              hard multiplies, the rest as soft ones
 *   add        adds, subtracts and compares by width
 *   register   every flip-flop of the design is clocked every cycle of the
 *              inference (FF count from the resource model x latency)
 *   memory     EBR/SPRAM block accesses as the RTL makes them (SPRAM: the
 *              block-circulant spectra with memory "spram"): a memory's read
 *              port is enabled with the pipeline clock enable, so every block
 *              of a layer's banks and ROMs is read on every cycle of the
 *              inference (`reads` in the inventory), and each write enables
 *              the blocks of one address chunk. Memories yosys leaves in
 *              logic are flip-flops and count as registers.
 *              With an 'sram' table (an ASIC) each access is priced by the
 *              memory's size and width instead.
 *   off-chip   weight ROMs that do not fit the part's EBR (iCE40 tables) go
 *              to SPRAM if they fit there, else off chip, read once per use
 *   clock      per cycle of the inference
 *   static     the table's static power x latency / clock
 */
import type { Design } from '../network/design.ts';
import type { Toolchain } from '../flow/index.ts';
import { addPJ, multiplyPJ, sramReadPJ, type EnergyTable } from './tables.ts';
import { inventoryOf, predictInventory } from './resources.ts';
import { SPRAM_BITS } from './fit.ts';
import { partOf, partTitle } from '../target/index.ts';

export const ENERGY_CATEGORIES = ['multiply', 'add', 'register', 'memory', 'off-chip', 'clock', 'static'] as const;
export type EnergyCategory = (typeof ENERGY_CATEGORIES)[number];

export interface EnergyLine {
  category: EnergyCategory;
  /** the layer (or link) the events belong to; 'design' for clock and static */
  owner: string;
  /** what the events are, e.g. "8x8 multiply (DSP)" */
  what: string;
  count: number;
  pJEach: number;
  pJ: number;
}

export interface EnergyReport {
  table: string;
  approximate: boolean;
  source: string;
  part: string;
  clockMHz: number;
  latencyCycles: number;
  latencySeconds: number;
  /** energy of one inference */
  totalPJ: number;
  breakdown: Record<EnergyCategory, number>;
  perOwner: Record<string, number>;
  lines: EnergyLine[];
  /** where each weight ROM was placed for pricing */
  placement: { memory: string; placed: 'ebr' | 'logic' | 'spram' | 'off-chip' | 'sram' }[];
  notes: string[];
}

export interface EnergyOptions {
  /** the part (decides DSP vs logic multiplies and on-chip capacity); default UP5K */
  part?: string;
  /** clock for static energy and latency in seconds; default 12 MHz (the boards' clock) */
  clockMHz?: number;
  toolchain?: Toolchain;
}

/** Energy of one inference of `design` under `table`. */
export function energyPerInference(design: Design, table: EnergyTable, opts: EnergyOptions = {}): EnergyReport {
  const part = opts.part ?? 'UP5K';
  const clockMHz = opts.clockMHz ?? 12;
  const info = partOf(part).part;
  const inv = inventoryOf(design);
  const est = predictInventory(inv, { part, toolchain: opts.toolchain, board: false });
  const latency = inv.latency;
  const lines: EnergyLine[] = [];
  const notes: string[] = [];
  const add = (category: EnergyCategory, owner: string, what: string, count: number, pJEach: number) => {
    if (count > 0 && pJEach > 0) lines.push({ category, owner, what, count, pJEach, pJ: count * pJEach });
  };
  const { model, target } = partOf(part);
  const ultraplus = model.hardMultipliers;

  // ---- arithmetic ----
  for (const l of [...inv.layers, ...inv.links]) {
    for (const m of l.arith.multiplies) {
      const hard = ultraplus && target.mapping.dspCount(m.a, m.b, m.y).dsp > 0;
      add('multiply', l.name, `${m.a}x${m.b} multiply${table.multiply.hard ? (hard ? ' (DSP)' : ' (logic)') : ''}`, m.count, multiplyPJ(table, m.a, m.b, hard));
    }
    for (const a of l.arith.adds) add('add', l.name, `${a.width}-bit add`, a.count, addPJ(table, a.width));
  }

  // ---- registers: every FF clocked every cycle ----
  for (const r of est.rows) add('register', r.name, `${r.ff} FF x ${latency} cycles`, r.ff * latency, table.register.pJPerBitCycle);

  // ---- memories ----
  const mapped = new Map(est.memories.map((m) => [m.name, m]));
  const placement: EnergyReport['placement'] = [];
  const owners = new Map<string, string>();
  for (const l of [...inv.layers, ...inv.links]) for (const m of l.memories) owners.set(m.name, l.name);
  const uses = [...inv.layers, ...inv.links].flatMap((l) => l.memories);
  if (table.memory.model === 'blocks') {
    // what the part cannot hold: weight ROMs, largest first, to SPRAM or off chip
    let ebrUsed = est.total.ebr;
    // SPRAM the design already uses (block-circulant spectra) is not free for moved ROMs
    let spramFree = Math.max(0, info.limits.spram - est.total.spram) * SPRAM_BITS;
    const moved = new Map<string, 'spram' | 'off-chip'>();
    const roms = uses.filter((m) => m.weights && mapped.get(m.name)?.target === 'ebr')
      .sort((a, b) => (mapped.get(b.name)!.blocks - mapped.get(a.name)!.blocks));
    for (const m of roms) {
      if (ebrUsed <= info.limits.ebr) break;
      const bits = m.depth * m.width;
      ebrUsed -= mapped.get(m.name)!.blocks;
      if (bits <= spramFree) {
        spramFree -= bits;
        moved.set(m.name, 'spram');
      } else {
        moved.set(m.name, 'off-chip');
      }
    }
    if (moved.size) {
      notes.push(`${[...moved].map(([k, v]) => `${k} -> ${v}`).join(', ')}: the design needs ${est.total.ebr} EBR, ${partTitle(part)} has ${info.limits.ebr}; ` +
        'moved weight ROMs are read once per use (the design as generated does not fit: this prices a variant that streams them)');
    }
    for (const m of uses) {
      const mm = mapped.get(m.name)!;
      const owner = owners.get(m.name) ?? m.name;
      const place = moved.get(m.name);
      if (place === 'off-chip') {
        add('off-chip', owner, `${m.name}: ${m.width}-bit words from off chip`, m.usefulReads * m.width, table.offChip.pJPerBit);
        placement.push({ memory: m.name, placed: 'off-chip' });
      } else if (place === 'spram') {
        const blocks = Math.ceil(m.width / 16);
        add('memory', owner, `${m.name}: SPRAM reads (${blocks} block(s) each)`, m.usefulReads * blocks, table.memory.spramReadPJ);
        placement.push({ memory: m.name, placed: 'spram' });
      } else if (mm.target === 'spram') {
        // one SB_SPRAM256KA per 16 bits of an address chunk is enabled per access
        const perAccess = Math.ceil(mm.blocks / mm.chunks);
        add('memory', owner, `${m.name}: SPRAM reads (${perAccess} block(s) x ${m.reads} reads)`, m.reads * perAccess, table.memory.spramReadPJ);
        add('memory', owner, `${m.name}: SPRAM writes`, m.writes * perAccess, table.memory.spramWritePJ);
        if (m.weights) placement.push({ memory: m.name, placed: 'spram' });
      } else if (mm.target === 'ebr') {
        add('memory', owner, `${m.name}: EBR block reads (${mm.blocks} block(s) x ${m.reads} reads)`, m.reads * mm.blocks, table.memory.ebrReadPJ);
        add('memory', owner, `${m.name}: EBR block writes`, m.writes * Math.ceil(mm.blocks / mm.chunks), table.memory.ebrWritePJ);
        if (m.weights) placement.push({ memory: m.name, placed: 'ebr' });
      } else if (m.weights) {
        placement.push({ memory: m.name, placed: 'logic' });
      }
    }
    if (uses.some((m) => mapped.get(m.name)?.target === 'ebr' && m.reads > m.usefulReads)) {
      notes.push('EBR reads follow the RTL: layer banks and ROMs are read on every enabled cycle, not only when their data is used; ' +
        'gating the read enables with the issue/fetch signals would cut the memory energy');
    }
  } else {
    // an ASIC: every memory in SRAM of its own size
    for (const m of uses) {
      const mm = mapped.get(m.name)!;
      const owner = owners.get(m.name) ?? m.name;
      if (mm.target === 'logic') continue; // registers
      const bytes = (m.depth * m.width) / 8;
      const read = sramReadPJ(table, bytes, m.width);
      add('memory', owner, `${m.name}: SRAM reads (${m.width} bits, ${Math.round(bytes)} B)`, m.reads, read);
      add('memory', owner, `${m.name}: SRAM writes`, m.writes, read * table.memory.writeFactor);
      if (m.weights) placement.push({ memory: m.name, placed: 'sram' });
    }
  }

  // ---- clock and static ----
  add('clock', 'design', `${latency} cycles`, latency, table.clock.pJPerCycle);
  const seconds = latency / (clockMHz * 1e6);
  add('static', 'design', `${(table.static.watts * 1e6).toFixed(1)} uW x ${(seconds * 1e6).toFixed(1)} us`, 1, table.static.watts * seconds * 1e12);

  const breakdown = Object.fromEntries(ENERGY_CATEGORIES.map((c) => [c, 0])) as Record<EnergyCategory, number>;
  const perOwner: Record<string, number> = {};
  for (const l of lines) {
    breakdown[l.category] += l.pJ;
    perOwner[l.owner] = (perOwner[l.owner] ?? 0) + l.pJ;
  }
  if (table.approximate) notes.push(`table ${table.name} is approximate: ${table.source}`);
  return {
    table: table.name,
    approximate: table.approximate,
    source: table.source,
    part,
    clockMHz,
    latencyCycles: latency,
    latencySeconds: seconds,
    totalPJ: lines.reduce((s, l) => s + l.pJ, 0),
    breakdown,
    perOwner,
    lines,
    placement,
    notes,
  };
}

/** Energy with an SI prefix: 1234 pJ -> "1.23 nJ". */
export function formatEnergy(pJ: number): string {
  const units: [number, string][] = [[1e12, 'J'], [1e9, 'mJ'], [1e6, 'uJ'], [1e3, 'nJ'], [1, 'pJ'], [1e-3, 'fJ']];
  for (const [f, u] of units) if (Math.abs(pJ) >= f) return `${(pJ / f).toPrecision(3)} ${u}`;
  return `${pJ.toPrecision(3)} pJ`;
}

/** A plain-text breakdown of one report. */
export function formatEnergyReport(r: EnergyReport): string {
  const where = r.placement.some((p) => p.placed === 'sram') || r.lines.every((l) => !/EBR|SPRAM|DSP|logic\)/.test(l.what)) ? '' : `${partTitle(r.part)}, `;
  const out = [`energy per inference, table ${r.table}${r.approximate ? ' (approximate)' : ''}, ${where}${r.clockMHz} MHz: ${formatEnergy(r.totalPJ)}`];
  for (const c of ENERGY_CATEGORIES) {
    if (r.breakdown[c] > 0) out.push(`  ${c.padEnd(10)}${formatEnergy(r.breakdown[c]).padStart(12)}  ${((100 * r.breakdown[c]) / r.totalPJ).toFixed(1).padStart(5)}%`);
  }
  for (const n of r.notes) out.push(`  note: ${n}`);
  return out.join('\n');
}

