/**
 * The iCE40 PLL (SB_PLL40_*) in simple feedback mode, for `circa build
 * --clock <MHz>`: divider settings that turn the board clock into the target
 * clock, and the option handling the CLI uses.
 *
 * Equations and limits (Lattice, "iCE40 sysCLOCK PLL Design and Usage
 * Guide", TN1251; the same figures as icepll in Project IceStorm):
 *
 *   f_PFD = f_in / (DIVR + 1)             10 .. 133 MHz   (DIVR 0..15)
 *   f_VCO = f_PFD * (DIVF + 1)            533 .. 1066 MHz (DIVF 0..127 in SIMPLE mode)
 *   f_out = f_VCO / 2^DIVQ                16 .. 275 MHz   (DIVQ 1..6)
 *   f_in                                  10 .. 133 MHz
 *
 * FILTER_RANGE follows f_PFD: < 17 MHz -> 1, < 26 -> 2, < 44 -> 3, < 66 -> 4,
 * < 101 -> 5, else 6.
 *
 * The search tries every DIVR, DIVF, DIVQ in that order and keeps the first
 * setting with the smallest error, as icepll does, so the two agree; unlike
 * icepll it only considers settings whose output is inside 16..275 MHz
 * (icepll may return e.g. 276 MHz for a 275 MHz request). A target inside
 * 16..275 MHz gets the nearest clock the PLL makes (the report says which);
 * outside it, or further off than PLL_TOLERANCE, it is refused.
 */
import { InvalidArgumentError, Option } from 'commander';
import { CircaInputError } from '../../errors.ts';

export const PLL_LIMITS = {
  inMHz: [10, 133],
  pfdMHz: [10, 133],
  vcoMHz: [533, 1066],
  outMHz: [16, 275],
} as const;

/**
 * A request is refused when the nearest output the PLL makes is further off
 * than this. The outputs lie densely: from 10..133 MHz board clocks the
 * nearest is never more than 1.9% off a target in 16..275 MHz (12 MHz: 1.8%,
 * at 275 MHz, where 270 MHz is the highest), so in practice this only
 * guards unusual inputs; the report always shows the clock actually made.
 */
export const PLL_TOLERANCE = 0.02;

export interface PllConfig {
  divr: number;
  divf: number;
  divq: number;
  filterRange: number;
  /** the board clock */
  inMHz: number;
  /** what was asked for */
  targetMHz: number;
  /** what the PLL makes: f_in * (DIVF+1) / (DIVR+1) / 2^DIVQ */
  actualMHz: number;
  pfdMHz: number;
  vcoMHz: number;
}

export function filterRangeFor(pfdMHz: number): number {
  return pfdMHz < 17 ? 1 : pfdMHz < 26 ? 2 : pfdMHz < 44 ? 3 : pfdMHz < 66 ? 4 : pfdMHz < 101 ? 5 : 6;
}

const within = (x: number, [lo, hi]: readonly [number, number]) => x >= lo && x <= hi;

interface Setting {
  divr: number;
  divf: number;
  divq: number;
  pfd: number;
  vco: number;
  out: number;
}

/** Every setting the PLL accepts for this input clock, in search order. */
function* settings(inMHz: number): Generator<Setting> {
  for (let divr = 0; divr <= 15; divr++) {
    const pfd = inMHz / (divr + 1);
    if (!within(pfd, PLL_LIMITS.pfdMHz)) continue;
    for (let divf = 0; divf <= 127; divf++) {
      const vco = pfd * (divf + 1);
      if (!within(vco, PLL_LIMITS.vcoMHz)) continue;
      for (let divq = 1; divq <= 6; divq++) {
        const out = vco / 2 ** divq;
        if (within(out, PLL_LIMITS.outMHz)) yield { divr, divf, divq, pfd, vco, out };
      }
    }
  }
}

function checkInput(boardMHz: number): void {
  if (!Number.isFinite(boardMHz) || !within(boardMHz, PLL_LIMITS.inMHz)) {
    throw new CircaInputError(`--clock: the board clock (${boardMHz} MHz) is outside the PLL's input range ${PLL_LIMITS.inMHz[0]}..${PLL_LIMITS.inMHz[1]} MHz, so no PLL can be used`);
  }
}

/** The lowest and highest output the PLL makes from this board clock. */
export function pllRange(boardMHz: number): { minMHz: number; maxMHz: number } {
  checkInput(boardMHz);
  let minMHz = Infinity;
  let maxMHz = -Infinity;
  for (const s of settings(boardMHz)) {
    minMHz = Math.min(minMHz, s.out);
    maxMHz = Math.max(maxMHz, s.out);
  }
  return { minMHz, maxMHz };
}

const mhz = (x: number) => Number(x.toFixed(3)).toString();

/**
 * PLL settings for targetMHz from a boardMHz clock. Throws CircaInputError
 * naming --clock and the achievable range when the PLL cannot make it
 * (outside its output range, or no setting within PLL_TOLERANCE).
 */
export function pllFor(boardMHz: number, targetMHz: number): PllConfig {
  checkInput(boardMHz);
  const range = pllRange(boardMHz);
  const rangeText = `${mhz(range.minMHz)}..${mhz(range.maxMHz)} MHz from the ${mhz(boardMHz)} MHz board clock`;
  if (!Number.isFinite(targetMHz) || targetMHz < PLL_LIMITS.outMHz[0] || targetMHz > PLL_LIMITS.outMHz[1]) {
    const near = Number.isFinite(targetMHz) ? pllNearest(boardMHz, targetMHz) : [];
    throw new CircaInputError(`--clock ${targetMHz}: the iCE40 PLL makes ${PLL_LIMITS.outMHz[0]}..${PLL_LIMITS.outMHz[1]} MHz (VCO ${PLL_LIMITS.vcoMHz[0]}..${PLL_LIMITS.vcoMHz[1]} MHz); achievable: ${rangeText}` +
      (near.length ? `; the nearest: ${near.map(describePllSetting).join(', ')}` : ''));
  }
  let best: Setting | undefined;
  let bestErr = Infinity;
  for (const s of settings(boardMHz)) {
    const err = Math.abs(s.out - targetMHz);
    if (err < bestErr) {
      best = s;
      bestErr = err;
    }
  }
  if (!best || bestErr > PLL_TOLERANCE * targetMHz) {
    throw new CircaInputError(
      `--clock ${targetMHz}: the nearest clock the PLL makes is ${best ? mhz(best.out) : 'none'} MHz, more than ${PLL_TOLERANCE * 100}% off; achievable: ${rangeText}` +
      `; the nearest: ${pllNearest(boardMHz, targetMHz).map(describePllSetting).join(', ')}`,
    );
  }
  return configOf(best, boardMHz, targetMHz);
}

/** A setting as a PllConfig (targetMHz: what was asked for). */
function configOf(s: Setting, boardMHz: number, targetMHz: number): PllConfig {
  return {
    divr: s.divr, divf: s.divf, divq: s.divq, filterRange: filterRangeFor(s.pfd),
    inMHz: boardMHz, targetMHz, actualMHz: s.out, pfdMHz: s.pfd, vcoMHz: s.vco,
  };
}

/** Every clock the PLL makes from this board clock, once each (the first setting in search order that makes it, as pllFor picks it), slowest first. */
export function pllClocks(boardMHz: number): PllConfig[] {
  checkInput(boardMHz);
  const byOut = new Map<string, Setting>();
  for (const s of settings(boardMHz)) {
    const key = s.out.toFixed(9);
    if (!byOut.has(key)) byOut.set(key, s);
  }
  return [...byOut.values()].sort((a, b) => a.out - b.out).map((s) => configOf(s, boardMHz, s.out));
}

/**
 * The `count` fastest clocks the PLL makes at or below maxMHz, fastest
 * first: what `circa build --clock auto` tries, and the advice when a
 * --clock misses timing (maxMHz = the Fmax reached). Empty when maxMHz is
 * below the PLL's lowest output.
 */
export function pllAtMost(boardMHz: number, maxMHz: number, count = 1): PllConfig[] {
  return pllClocks(boardMHz).filter((p) => p.actualMHz <= maxMHz + 1e-9).reverse().slice(0, count);
}

/** The clock the PLL makes just below targetMHz and the one just above (one of them when the target lies outside the PLL's range). */
export function pllNearest(boardMHz: number, targetMHz: number): PllConfig[] {
  const all = pllClocks(boardMHz);
  const below = all.filter((p) => p.actualMHz <= targetMHz + 1e-9).at(-1);
  const above = all.find((p) => p.actualMHz > targetMHz + 1e-9);
  return [below, above].filter((p): p is PllConfig => p !== undefined).map((p) => ({ ...p, targetMHz }));
}

/** "50.25 MHz (DIVR 0, DIVF 66, DIVQ 4)": a PLL setting in one phrase. */
export function describePllSetting(p: PllConfig): string {
  return `${mhz(p.actualMHz)} MHz (DIVR ${p.divr}, DIVF ${p.divf}, DIVQ ${p.divq})`;
}

/** The design's clock: the board clock as it is, or a PLL output. */
export interface ClockPlan {
  boardMHz: number;
  /** the clock the design runs at (the PLL's actual output, or the board clock) */
  mhz: number;
  pll: PllConfig | null;
}

/** No target, or the board clock itself: no PLL. Otherwise the PLL settings for the target. */
export function clockPlan(boardMHz: number, targetMHz?: number): ClockPlan {
  if (targetMHz === undefined || Math.abs(targetMHz - boardMHz) < 1e-9) return { boardMHz, mhz: boardMHz, pll: null };
  const pll = pllFor(boardMHz, targetMHz);
  return { boardMHz, mhz: pll.actualMHz, pll };
}

/** One line for reports. */
export function describeClock(c: ClockPlan): string {
  if (!c.pll) return `clock: ${mhz(c.mhz)} MHz board clock, no PLL`;
  const p = c.pll;
  return `clock: PLL ${mhz(p.inMHz)} MHz -> ${mhz(p.actualMHz)} MHz` +
    (Math.abs(p.actualMHz - p.targetMHz) > 1e-9 ? ` (asked ${mhz(p.targetMHz)})` : '') +
    ` (DIVR ${p.divr}, DIVF ${p.divf}, DIVQ ${p.divq}, FILTER_RANGE ${p.filterRange}; PFD ${mhz(p.pfdMHz)} MHz, VCO ${mhz(p.vcoMHz)} MHz)`;
}

/** commander parser for --clock: a positive number of MHz. */
export function parseClockMHz(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !(n > 0)) {
    throw new InvalidArgumentError(`--clock must be a frequency in MHz, e.g. 24 or 33.3; the iCE40 PLL makes ${PLL_LIMITS.outMHz[0]}..${PLL_LIMITS.outMHz[1]} MHz`);
  }
  return n;
}

/** `circa build --clock auto`: the fastest PLL clock that meets timing, found by building (src/target/ice40/clock-auto.ts). */
export const CLOCK_AUTO = 'auto';

/** commander parser for `circa build --clock`: a frequency in MHz, or `auto`. */
export function parseBuildClock(value: string): number | typeof CLOCK_AUTO {
  return value.trim() === CLOCK_AUTO ? CLOCK_AUTO : parseClockMHz(value);
}

/** The --clock option for `circa build` (auto: true, which also takes `auto`) and `generate --board`. */
export function clockOption(o: { auto?: boolean } = {}): Option {
  if (o.auto) {
    return new Option('--clock <MHz|auto>', `run the design at this clock through the iCE40 PLL (${PLL_LIMITS.outMHz[0]}..${PLL_LIMITS.outMHz[1]} MHz; default: the board clock); ` +
      'auto: the fastest PLL clock that meets timing, found by building (at most 3 builds)')
      .argParser(parseBuildClock);
  }
  return new Option('--clock <MHz>', `run the design at this clock through the iCE40 PLL (${PLL_LIMITS.outMHz[0]}..${PLL_LIMITS.outMHz[1]} MHz; default: the board clock)`)
    .argParser(parseClockMHz);
}
