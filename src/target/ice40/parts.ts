/**
 * iCE40 parts circa can target, with the resource limits the flow checks a
 * design against.
 *
 * Source: docs/references.md, "iCE40 parts" (the Lattice family data
 * sheets and the availability nextpnr-ice40's --report prints):
 *
 *   | part        | LUT4 | EBR (4 kbit) | SPRAM (256 kbit) | SB_MAC16 | nextpnr flags |
 *   | UP5K        | 5280 | 30           | 4                | 8        | --up5k --package sg48 |
 *   | UP3K        | 2800 | 20           | 4                | 4        | (placed on the UP5K database) |
 *   | HX8K / LP8K | 7680 | 32           | 0                | 0        | --hx8k --package ct256 / --lp8k --package cm81 |
 *   | HX1K        | 1280 | 16           | 0                | 0        | --hx1k --package tq144 |
 *
 * nextpnr has no UP3K chip database: a UP3K design is placed on the UP5K one,
 * so nextpnr reports UP5K availability for a UP3K build; runFlow compares the
 * used counts against the limits below and fails the build itself. The UP3K
 * figures are the iCE40 UltraPlus family table of the Lattice data sheet
 * (FPGA-DS-02008): 2800 LUT4, 80 kbit EBR (20 blocks), 1 Mbit SPRAM (4
 * blocks), 4 DSP.
 */
import type { PartLimits, TargetPart } from '../types.ts';

export type { PartLimits };

/** Part names as written in board files. */
export const PART_NAMES = ['UP5K', 'UP3K', 'HX8K', 'LP8K', 'HX1K'] as const;
export type PartName = (typeof PART_NAMES)[number];

export interface PartInfo extends TargetPart {
  readonly name: PartName;
  /** iCE40 family; UltraPlus gets `synth_ice40 -device u -dsp`, LP gets `-device lp`. */
  readonly family: 'ultraplus' | 'hx' | 'lp';
  /** The nextpnr-ice40 device flag without dashes (`up5k` -> `--up5k`). */
  readonly nextpnrDevice: string;
  /** Value of yosys `synth_ice40 -device` (timing model for abc9). */
  readonly yosysDevice: 'u' | 'hx' | 'lp';
}

const PART_TABLE = 'docs/references.md, iCE40 parts (Lattice family data sheets; nextpnr --report availability)';

export const PARTS: Readonly<Record<PartName, PartInfo>> = {
  UP5K: {
    name: 'UP5K',
    family: 'ultraplus',
    nextpnrDevice: 'up5k',
    yosysDevice: 'u',
    limits: { lut: 5280, ebr: 30, spram: 4, dsp: 8 },
    source: PART_TABLE,
  },
  UP3K: {
    name: 'UP3K',
    family: 'ultraplus',
    nextpnrDevice: 'up3k',
    yosysDevice: 'u',
    limits: { lut: 2800, ebr: 20, spram: 4, dsp: 4 },
    source: 'Lattice iCE40 UltraPlus datasheet FPGA-DS-02008 (family table); nextpnr has no UP3K database, so circa enforces these limits',
    note: 'nextpnr places UP3K designs on the UP5K chip database (docs/references.md, iCE40 parts), so circa checks the UP3K limits itself',
  },
  HX8K: {
    name: 'HX8K',
    family: 'hx',
    nextpnrDevice: 'hx8k',
    yosysDevice: 'hx',
    limits: { lut: 7680, ebr: 32, spram: 0, dsp: 0 },
    source: PART_TABLE,
  },
  LP8K: {
    name: 'LP8K',
    family: 'lp',
    nextpnrDevice: 'lp8k',
    yosysDevice: 'lp',
    limits: { lut: 7680, ebr: 32, spram: 0, dsp: 0 },
    source: PART_TABLE,
  },
  HX1K: {
    name: 'HX1K',
    family: 'hx',
    nextpnrDevice: 'hx1k',
    yosysDevice: 'hx',
    limits: { lut: 1280, ebr: 16, spram: 0, dsp: 0 },
    source: PART_TABLE,
  },
};

export function isPartName(s: string): s is PartName {
  return (PART_NAMES as readonly string[]).includes(s);
}

/** The part table entry for a part name (names are checked by the board schema). */
export function partInfo(name: PartName): PartInfo {
  return PARTS[name];
}
