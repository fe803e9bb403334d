/**
 * `circa build --clock auto`: the fastest PLL clock that meets timing on the
 * board, found by building. nextpnr places and routes for the clock it is
 * given and reports the Fmax it reached; the next build asks for the fastest
 * clock the PLL makes within that Fmax. The decision is a pure function of
 * the builds so far (nextAutoStep), so it is tested without running a tool;
 * the CLI runs the builds it asks for.
 *
 *   build 1: the fastest PLL clock at or below AUTO_FIRST_MHZ.
 *   then:    the fastest PLL clock at or below the last build's Fmax that is
 *            faster than every build that met timing and slower than every
 *            build that did not (after the k-th miss, AUTO_MARGIN * (k - 1)
 *            below that Fmax: the placement moves with the clock asked for);
 *            none: the fastest build that met timing is the answer.
 *   at most AUTO_MAX_BUILDS builds; none met timing: an error naming the
 *   clocks tried, their Fmax and the nearest PLL setting (exit 2, no
 *   bitstream).
 */
import { CircaInputError } from '../../errors.ts';
import { describePllSetting, pllAtMost, type PllConfig } from './pll.ts';

/** The first build's clock (MHz): above what the trained networks reach, so nextpnr reports how far they get. */
export const AUTO_FIRST_MHZ = 60;
/** At most this many builds (each a full yosys, nextpnr, icepack run). */
export const AUTO_MAX_BUILDS = 3;
/** After a second miss, ask for this much (relative) below the Fmax reached, per miss after the first. */
export const AUTO_MARGIN = 0.03;

/** One build's outcome, as the flow report gives it. */
export interface ClockTry {
  /** the clock built for (the PLL's actual output) */
  mhz: number;
  /** nextpnr's Fmax; null when it reported none */
  fmaxMHz: number | null;
  timingMet: boolean;
}

export type AutoStep =
  | { kind: 'build'; pll: PllConfig }
  | { kind: 'done'; index: number };

const fmt = (x: number) => Number(x.toFixed(3)).toString();

/** What to do after these builds: build at a clock, or take tries[index]. Throws CircaInputError when no build met timing and no more may run. */
export function nextAutoStep(boardMHz: number, tries: readonly ClockTry[]): AutoStep {
  if (tries.length === 0) {
    const first = pllAtMost(boardMHz, AUTO_FIRST_MHZ)[0];
    if (!first) throw new CircaInputError(`--clock auto: the PLL makes no clock at or below ${AUTO_FIRST_MHZ} MHz from the ${fmt(boardMHz)} MHz board clock`);
    return { kind: 'build', pll: first };
  }
  let best = -1;
  tries.forEach((t, i) => { if (t.timingMet && (best < 0 || t.mhz > tries[best].mhz)) best = i; });
  const floor = best >= 0 ? tries[best].mhz : 0;
  const missed = tries.filter((t) => !t.timingMet);
  const ceiling = Math.min(Infinity, ...missed.map((t) => t.mhz));
  const last = tries[tries.length - 1];
  const margin = last.timingMet ? 0 : AUTO_MARGIN * Math.max(0, missed.length - 1);
  const within = (last.fmaxMHz ?? 0) * (1 - margin);
  const next = tries.length < AUTO_MAX_BUILDS
    ? pllAtMost(boardMHz, within, Infinity).find((p) => p.actualMHz < ceiling - 1e-9 && !tries.some((t) => Math.abs(t.mhz - p.actualMHz) < 1e-9))
    : undefined;
  if (next && next.actualMHz > floor + 1e-9) return { kind: 'build', pll: next };
  if (best >= 0) return { kind: 'done', index: best };
  const fmaxes = tries.map((t) => t.fmaxMHz ?? 0);
  const near = pllAtMost(boardMHz, Math.max(...fmaxes))[0];
  throw new CircaInputError(
    `--clock auto: no build met timing (${tries.map((t) => `${fmt(t.mhz)} MHz: Fmax ${t.fmaxMHz === null ? 'unknown' : t.fmaxMHz.toFixed(2)} MHz`).join('; ')}); ` +
    `the nearest PLL setting within the best Fmax: ${near ? describePllSetting(near) : 'none'}; no bitstream written`);
}

/** The one-line account of a build for the progress and the printed result. */
export function describeTry(t: ClockTry, n: number): string {
  return `clock auto: build ${n} at ${fmt(t.mhz)} MHz: Fmax ${t.fmaxMHz === null ? 'unknown' : `${t.fmaxMHz.toFixed(2)} MHz`}, timing ${t.timingMet ? 'met' : 'not met'}`;
}

/**
 * The refusal of a --clock that timing does not meet: the Fmax reached and
 * the nearest PLL settings within it (the two fastest at or below it).
 */
export function clockMissMessage(boardMHz: number, asked: number, t: ClockTry, seed: number): string {
  const near = t.fmaxMHz === null ? [] : pllAtMost(boardMHz, t.fmaxMHz, 2);
  return `--clock ${asked}: timing not met at ${fmt(t.mhz)} MHz (Fmax ${t.fmaxMHz === null ? 'unknown' : `${t.fmaxMHz.toFixed(2)} MHz`}, seed ${seed}); ` +
    (near.length ? `the nearest PLL settings within that Fmax: ${near.map(describePllSetting).join(', ')}` : 'the PLL makes no clock that slow') +
    '; no bitstream written';
}
