/**
 * Technology tables for the energy model: what one event costs, in
 * picojoules. Two are built in; users can pass their own as JSON, checked
 * against `energyTableSchema` (errors name the field).
 *
 * Event prices:
 *   multiply   E(a, b) = pJ * (a*b / (refA*refB))^exponent      (hard: on a DSP block, soft: in logic)
 *   add        E(w)    = pJ * (w / refWidth)^exponent           (adds, subtracts, compares)
 *   register   per flip-flop per clock cycle
 *   memory     'blocks': per block access (EBR, SPRAM), every block of a memory is enabled on an access
 *              'sram':   per access of `wordBits` bits, interpolated log-log in the memory size
 *                        between the given points (and extrapolated with the end slopes), scaled
 *                        linearly with the accessed width; writes cost writeFactor x a read
 *   offChip    per bit read from off-chip memory (weights that do not fit on chip)
 *   clock      per clock cycle (clock tree and the fixed part of the core)
 *   static     watts, times the inference's latency
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CircaInputError } from '../errors.ts';
import { parseJsonText, withoutSchemaKey, stripBom } from '../json.ts';
import { formatZodError } from '../layers/load.ts';

const pos = z.number().positive();
const nonneg = z.number().nonnegative();

const multiplySchema = z
  .object({
    /** energy of one refA x refB multiply */
    pJ: pos,
    refA: z.number().int().min(1).max(64),
    refB: z.number().int().min(1).max(64),
    /** scaling exponent on a*b (1: linear in the bit-products) */
    exponent: z.number().min(0).max(3),
  })
  .strict();

const sramPointSchema = z.object({ bytes: pos, pJ: pos }).strict();

export const energyTableSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a short name of letters, digits, ".", "_" or "-"'),
    description: z.string().optional(),
    /** where the figures come from */
    source: z.string().min(1),
    /** true when the figures are rough derivations (say so in reports) */
    approximate: z.boolean(),
    multiply: z
      .object({
        /** multiplies in logic (or any multiplier on an ASIC) */
        soft: multiplySchema,
        /** multiplies on a hard DSP block; defaults to `soft` */
        hard: multiplySchema.optional(),
      })
      .strict(),
    add: z.object({ pJ: pos, refWidth: z.number().int().min(1).max(64), exponent: z.number().min(0).max(3) }).strict(),
    register: z.object({ pJPerBitCycle: nonneg }).strict(),
    memory: z.discriminatedUnion('model', [
      z
        .object({
          model: z.literal('blocks'),
          /** one access to one 4 kbit EBR block (16 bits) */
          ebrReadPJ: pos,
          ebrWritePJ: pos,
          /** one access to one 256 kbit SPRAM block (16 bits) */
          spramReadPJ: pos,
          spramWritePJ: pos,
        })
        .strict(),
      z
        .object({
          model: z.literal('sram'),
          /** read energy of one `wordBits` access by memory size; at least two sizes */
          points: z.array(sramPointSchema).min(2),
          wordBits: z.number().int().min(1).max(1024),
          writeFactor: pos,
        })
        .strict(),
    ]),
    offChip: z.object({ pJPerBit: nonneg }).strict(),
    clock: z.object({ pJPerCycle: nonneg }).strict(),
    static: z.object({ watts: nonneg }).strict(),
  })
  .strict();

export type EnergyTable = z.infer<typeof energyTableSchema>;

/**
 * ice40-up5k: from the public Joulescope measurements of the UP5K breakout
 * core rail at 1.219 V quoted in docs/references.md ("Energy").
 * APPROXIMATE: each figure below is a difference of two whole-chip current
 * readings, divided by the clock, so it carries the measurement's noise and
 * whatever else the two test designs did differently.
 *
 *   static      blank design 85.6 uA x 1.219 V                          = 104.3 uW
 *   clock       32-LC counter at 12 MHz 613.5 uA, minus blank 85.6 uA:
 *               527.9 uA x 1.219 V / 12 MHz                             = 53.6 pJ per cycle
 *               (docs/references.md rounds it to ~52 pJ)
 *   register    228-LC minus 32-LC counter: 27.8 uA x 1.219 V / 12 MHz = 2.82 pJ
 *               per cycle for 196 more LCs; a counter toggles ~2 bits a
 *               cycle whatever its length, so this is mostly clock load:
 *               2.82 / 196                                              = 0.0144 pJ per FF per cycle
 *   multiply    8x8 in LUTs (208 LC) 996 uA vs the 228-LC counter 641.3 uA:
 *               354.7 uA x 1.219 V / 12 MHz                             = 36.0 pJ (soft, 8x8)
 *               8x8 on a DSP (72 LC) 882 uA: 240.7 uA -> 24.5 pJ         (hard, 8x8)
 *               scaled with a*b (exponent 1, as the 45 nm figures below scale:
 *               3.1 pJ / 0.2 pJ = 15.5 for 16x more bit-products)
 *   add         not measured. Priced from the soft multiplier: an 8x8 array
 *               multiplier is about 64 full-adder cells, 36.0 / 64 = 0.56 pJ
 *               per adder bit, so an 8-bit add is 4.5 pJ, linear in width.
 *   EBR, SPRAM  not measured. Scaled from Horowitz's 45 nm SRAM (8 KB:
 *               10 pJ per 64-bit read; 32 KB: 20 pJ) by the supply (1.2 V vs
 *               0.9 V: x1.78) and the 16-bit port: EBR (512 B, extrapolated
 *               along the 8 KB -> 32 KB slope, 10 * (0.5/8)^0.5 = 2.5 pJ per
 *               64 bits) 2.5 * 16/64 * 1.78 = 1.1 pJ; SPRAM (32 KB)
 *               20 * 16/64 * 1.78 = 8.9 pJ. Writes priced as reads.
 *   off-chip    not measured on iCE40: Horowitz's DRAM figure (1.3-2.6 nJ per
 *               64-bit access, midpoint 1.95 nJ) = 30.5 pJ per bit. A real
 *               board would read SPI flash, whose cost is not in docs/references.md.
 */
export const ICE40_UP5K: EnergyTable = {
  name: 'ice40-up5k',
  description: 'iCE40 UltraPlus (UP5K) core rail at 1.2 V, derived from public current measurements (approximate)',
  source: 'docs/references.md "Energy": Joulescope measurements of the UP5K breakout core rail at 1.219 V; EBR/SPRAM/off-chip scaled from Horowitz ISSCC 2014 (see src/estimate/tables.ts)',
  approximate: true,
  multiply: {
    soft: { pJ: 36.0, refA: 8, refB: 8, exponent: 1 },
    hard: { pJ: 24.5, refA: 8, refB: 8, exponent: 1 },
  },
  add: { pJ: 4.5, refWidth: 8, exponent: 1 },
  register: { pJPerBitCycle: 0.0144 },
  memory: { model: 'blocks', ebrReadPJ: 1.1, ebrWritePJ: 1.1, spramReadPJ: 8.9, spramWritePJ: 8.9 },
  offChip: { pJPerBit: 30.5 },
  clock: { pJPerCycle: 53.6 },
  static: { watts: 104.3e-6 },
};

/**
 * asic-45nm: Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm at
 * 0.9 V, as quoted in docs/references.md.
 *   multiply  8-bit 0.2 pJ, 32-bit 3.1 pJ: E = 0.2 * (a*b/64)^0.988, the power
 *             law through both points (a*b = 64 and 1024)
 *   add       8-bit 0.03 pJ, 32-bit 0.1 pJ: E = 0.03 * (w/8)^0.868
 *   SRAM      64-bit read: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ; interpolated
 *             log-log in the size, extrapolated below 8 KB with the 8 KB ->
 *             32 KB slope (0.5); writes priced as reads
 *   off-chip  DRAM 1.3-2.6 nJ per 64-bit access: midpoint 1.95 nJ = 30.5 pJ/bit
 *             (used only when a memory is placed off chip; an ASIC is assumed
 *             to hold every memory in on-chip SRAM)
 *   register  not in the table: 0.003 pJ per flip-flop per cycle is an
 *             assumption (about a tenth of an 8-bit add per bit); override
 *             it with your own table
 *   clock, static: not in the table; 0 (dynamic energy of the operations only)
 */
export const ASIC_45NM: EnergyTable = {
  name: 'asic-45nm',
  description: '45 nm ASIC at 0.9 V, Horowitz ISSCC 2014 operation energies',
  source: 'Horowitz, "Computing\'s energy problem (and what we can do about it)", ISSCC 2014, via docs/references.md; register energy assumed (see src/estimate/tables.ts)',
  approximate: false,
  multiply: { soft: { pJ: 0.2, refA: 8, refB: 8, exponent: Math.log(3.1 / 0.2) / Math.log(16) } },
  add: { pJ: 0.03, refWidth: 8, exponent: Math.log(0.1 / 0.03) / Math.log(4) },
  register: { pJPerBitCycle: 0.003 },
  memory: {
    model: 'sram',
    points: [{ bytes: 8 * 1024, pJ: 10 }, { bytes: 32 * 1024, pJ: 20 }, { bytes: 1024 * 1024, pJ: 100 }],
    wordBits: 64,
    writeFactor: 1,
  },
  offChip: { pJPerBit: 1950 / 64 },
  clock: { pJPerCycle: 0 },
  static: { watts: 0 },
};

export const BUILTIN_TABLES: Record<string, EnergyTable> = {
  [ICE40_UP5K.name]: ICE40_UP5K,
  [ASIC_45NM.name]: ASIC_45NM,
};

/** Validate a parsed JSON value as a table; `label` names it in errors. */
export function parseEnergyTable(raw: unknown, label: string): EnergyTable {
  const r = energyTableSchema.safeParse(withoutSchemaKey(raw));
  if (!r.success) throw new CircaInputError(formatZodError(`energy table ${label}: `, r.error, energyTableSchema));
  const t = r.data;
  if (t.memory.model === 'sram') {
    const sizes = t.memory.points.map((p) => p.bytes);
    if (new Set(sizes).size !== sizes.length) {
      throw new CircaInputError(`energy table ${label}: memory.points: sizes must differ (got ${sizes.join(', ')} bytes)`);
    }
  }
  return t;
}

/** A built-in table by name, or a JSON file by path. */
export function loadEnergyTable(nameOrPath: string): EnergyTable {
  const builtin = BUILTIN_TABLES[nameOrPath];
  if (builtin) return builtin;
  if (!/[/\\.]/.test(nameOrPath)) {
    throw new CircaInputError(`--table: unknown table "${nameOrPath}"; built-in tables: ${Object.keys(BUILTIN_TABLES).join(', ')}, or a path to a JSON table`);
  }
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch (e) {
    throw new CircaInputError(`--table: cannot read ${nameOrPath} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const parsed = parseJsonText(stripBom(text));
  if (!parsed.ok) throw new CircaInputError(`energy table ${nameOrPath}: malformed JSON at ${parsed.error}`);
  const raw = parsed.value;
  return parseEnergyTable(raw, nameOrPath);
}

/* ------------------------------------------------------------------------ */
/* Prices                                                                     */
/* ------------------------------------------------------------------------ */

export function multiplyPJ(t: EnergyTable, a: number, b: number, hard: boolean): number {
  const m = hard && t.multiply.hard ? t.multiply.hard : t.multiply.soft;
  return m.pJ * ((a * b) / (m.refA * m.refB)) ** m.exponent;
}

export function addPJ(t: EnergyTable, w: number): number {
  return t.add.pJ * (w / t.add.refWidth) ** t.add.exponent;
}

/** SRAM read energy of one access of `bits` bits to a memory of `bytes` bytes (model 'sram'). */
export function sramReadPJ(t: EnergyTable, bytes: number, bits: number): number {
  if (t.memory.model !== 'sram') throw new Error('sramReadPJ: table has no SRAM model');
  const pts = [...t.memory.points].sort((x, y) => x.bytes - y.bytes);
  const lx = Math.log(Math.max(bytes, 1));
  // the segment that holds the size (the end segments extend outwards)
  let i = 0;
  while (i < pts.length - 2 && lx > Math.log(pts[i + 1].bytes)) i++;
  const [p0, p1] = [pts[i], pts[i + 1]];
  const slope = (Math.log(p1.pJ) - Math.log(p0.pJ)) / (Math.log(p1.bytes) - Math.log(p0.bytes));
  const perWord = Math.exp(Math.log(p0.pJ) + slope * (lx - Math.log(p0.bytes)));
  return perWord * (bits / t.memory.wordBits);
}
