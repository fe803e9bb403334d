/**
 * `circa build --clock auto` and the refusal of a --clock that the PLL
 * cannot make or timing does not meet (src/target/ice40/clock-auto.ts,
 * pll.ts): the PLL arithmetic and every decision from a parsed report, with
 * no tool run (test/cli.test.ts runs `circa build --clock 300`).
 */
import { describe, expect, it } from 'vitest';
import { CircaInputError } from '../src/errors.ts';
import { AUTO_MAX_BUILDS, clockMissMessage, nextAutoStep, type ClockTry } from '../src/target/ice40/clock-auto.ts';
import { clockOption, describePllSetting, parseBuildClock, pllAtMost, pllClocks, pllFor, pllNearest } from '../src/target/ice40/pll.ts';

const made = (mhz: number) => pllClocks(12).some((p) => Math.abs(p.actualMHz - mhz) < 1e-9);
const errorOf = (f: () => unknown): Error => {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('no error');
};

describe('the PLL clocks (12 MHz board clock)', () => {
  it('pllClocks: each output once, ascending, each the setting pllFor picks for it', () => {
    const all = pllClocks(12);
    expect(all[0].actualMHz).toBe(16.125);
    expect(all.at(-1)!.actualMHz).toBe(270);
    for (let i = 1; i < all.length; i++) expect(all[i].actualMHz).toBeGreaterThan(all[i - 1].actualMHz);
    for (const p of all.filter((_, i) => i % 37 === 0)) {
      const q = pllFor(12, p.actualMHz);
      expect([q.divr, q.divf, q.divq, q.actualMHz]).toEqual([p.divr, p.divf, p.divq, p.actualMHz]);
    }
  });

  it('pllAtMost: the fastest clocks at or below a limit, fastest first', () => {
    expect(pllAtMost(12, 47.3, 3).map(describePllSetting)).toEqual([
      '47.25 MHz (DIVR 0, DIVF 62, DIVQ 4)', '46.5 MHz (DIVR 0, DIVF 61, DIVQ 4)', '45.75 MHz (DIVR 0, DIVF 60, DIVQ 4)',
    ]);
    expect(pllAtMost(12, 60)[0].actualMHz).toBe(60);   // a limit the PLL makes exactly is included
    expect(pllAtMost(12, 16)).toEqual([]);              // below the lowest output
    for (const p of pllAtMost(12, 100, 50)) expect(p.actualMHz).toBeLessThanOrEqual(100);
  });

  it('pllNearest: the clocks either side of a target; one beyond the range', () => {
    expect(pllNearest(12, 50).map((p) => p.actualMHz)).toEqual([49.5, 50.25]);
    expect(pllNearest(12, 300).map((p) => p.actualMHz)).toEqual([270]);
    expect(pllNearest(12, 10).map((p) => p.actualMHz)).toEqual([16.125]);
  });

  it('a --clock the PLL cannot make names the nearest settings (exit 2 through CircaInputError)', () => {
    const e = errorOf(() => pllFor(12, 300));
    expect(e).toBeInstanceOf(CircaInputError);
    expect(e.message).toMatch(/^--clock 300: the iCE40 PLL makes 16\.\.275 MHz .*; the nearest: 270 MHz \(DIVR 0, DIVF 44, DIVQ 1\)$/);
    expect(errorOf(() => pllFor(12, 12.5)).message).toMatch(/the nearest: 16\.125 MHz \(DIVR 0, DIVF 85, DIVQ 6\)$/);
  });

  it('--clock takes a number or auto for build; generate keeps numbers only', () => {
    expect(parseBuildClock('auto')).toBe('auto');
    expect(parseBuildClock('45')).toBe(45);
    expect(() => parseBuildClock('fastest')).toThrow(/--clock must be a frequency in MHz/);
    expect(clockOption({ auto: true }).flags).toBe('--clock <MHz|auto>');
    expect(clockOption().flags).toBe('--clock <MHz>');
  });
});

describe('--clock auto: the decision from the builds so far', () => {
  const run = (fmaxOf: (mhz: number) => number) => {
    const tries: ClockTry[] = [];
    for (;;) {
      const step = nextAutoStep(12, tries);
      if (step.kind === 'done') return { tries, chosen: tries[step.index] };
      expect(made(step.pll.actualMHz)).toBe(true);
      const fmaxMHz = fmaxOf(step.pll.actualMHz);
      tries.push({ mhz: step.pll.actualMHz, fmaxMHz, timingMet: fmaxMHz >= step.pll.actualMHz });
    }
  };

  it('first build at 60 MHz; a miss at Fmax 47.3 asks for 47.25; met there: done (no faster PLL clock within 47.3)', () => {
    const r = run(() => 47.3);
    expect(r.tries.map((t) => t.mhz)).toEqual([60, 47.25]);
    expect(r.chosen.mhz).toBe(47.25);
  });

  it('a design faster than 60 MHz: met at 60, then the fastest clock within its Fmax, then done', () => {
    const r = run((mhz) => (mhz === 60 ? 71.2 : 70.9));
    expect(r.tries.map((t) => t.mhz)).toEqual([60, 70.5]);   // 71.25 is above 71.2
    expect(r.chosen.mhz).toBe(70.5);
    expect(r.tries.every((t) => t.timingMet)).toBe(true);
  });

  it('two misses: the third build asks 3% below the second Fmax; met there', () => {
    const r = run((mhz) => (mhz === 60 ? 47.3 : mhz === 47.25 ? 46.9 : 46.0));
    expect(r.tries.map((t) => t.mhz)).toEqual([60, 47.25, 45]);   // 46.9 * 0.97 = 45.49 -> 45 MHz
    expect(r.chosen.mhz).toBe(45);
    expect(r.tries).toHaveLength(AUTO_MAX_BUILDS);
  });

  it('a miss above a met build: the next try lies between the two, never a clock tried twice', () => {
    // met at 60 with Fmax 64; the try at 63.75 misses (63.5): 60 stays the answer after the last build
    const r = run((mhz) => (mhz === 60 ? 64 : 63.5));
    expect(r.tries.map((t) => [t.mhz, t.timingMet])).toEqual([[60, true], [63.75, false], [63, true]]);
    expect(r.chosen.mhz).toBe(63);
  });

  it('no build meets timing: CircaInputError naming the clocks tried, their Fmax and the nearest PLL setting', () => {
    const e = errorOf(() => run((mhz) => mhz * 0.9));
    expect(e).toBeInstanceOf(CircaInputError);
    expect(e.message).toBe('--clock auto: no build met timing (60 MHz: Fmax 54.00 MHz; 54 MHz: Fmax 48.60 MHz; 46.5 MHz: Fmax 41.85 MHz); ' +
      'the nearest PLL setting within the best Fmax: 54 MHz (DIVR 0, DIVF 71, DIVQ 4); no bitstream written');
  });

  it('a report without Fmax (no clocked path) that meets timing is taken as it is', () => {
    expect(nextAutoStep(12, [{ mhz: 60, fmaxMHz: null, timingMet: true }])).toEqual({ kind: 'done', index: 0 });
  });
});

describe('a --clock that timing does not meet', () => {
  it('the message: the clock, the Fmax reached and the two nearest PLL settings within it', () => {
    expect(clockMissMessage(12, 50, { mhz: 50.25, fmaxMHz: 47.3, timingMet: false }, 1)).toBe(
      '--clock 50: timing not met at 50.25 MHz (Fmax 47.30 MHz, seed 1); the nearest PLL settings within that Fmax: ' +
      '47.25 MHz (DIVR 0, DIVF 62, DIVQ 4), 46.5 MHz (DIVR 0, DIVF 61, DIVQ 4); no bitstream written');
    expect(clockMissMessage(12, 20, { mhz: 20.25, fmaxMHz: 12.5, timingMet: false }, 3)).toMatch(/Fmax 12\.50 MHz, seed 3\); the PLL makes no clock that slow; no bitstream written$/);
  });
});
