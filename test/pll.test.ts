/**
 * The iCE40 PLL settings (src/target/ice40/pll.ts): the equations and limits, a
 * cross-check against icepll from Project IceStorm, the errors for clocks
 * the PLL cannot make, and the board top with the PLL in it.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InvalidArgumentError } from 'commander';
import { PLL_LIMITS, clockOption, clockPlan, describeClock, filterRangeFor, parseClockMHz, pllFor, pllRange } from '../src/target/ice40/pll.ts';
import { boardDesign, boardDesignWithClock } from '../src/network/board.ts';
import { loadDesign } from '../src/network/design.ts';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { checkRtl } from '../src/sim/lint.ts';
import { CircaInputError } from '../src/errors.ts';

const run = promisify(execFile);

async function icepll(inMHz: number, outMHz: number): Promise<{ divr: number; divf: number; divq: number; filterRange: number; actualMHz: number } | null> {
  try {
    const { stdout } = await run('icepll', ['-i', String(inMHz), '-o', String(outMHz)]);
    const num = (re: RegExp) => Number(re.exec(stdout)![1]);
    return {
      divr: num(/DIVR:\s*(\d+)/), divf: num(/DIVF:\s*(\d+)/), divq: num(/DIVQ:\s*(\d+)/),
      filterRange: num(/FILTER_RANGE:\s*(\d+)/), actualMHz: num(/F_PLLOUT:\s*([\d.]+) MHz \(achieved\)/),
    };
  } catch {
    return null;
  }
}


describe('pllFor', () => {
  it('24 MHz from 12 MHz: DIVR 0, DIVF 63, DIVQ 5, FILTER_RANGE 1, exact', () => {
    expect(pllFor(12, 24)).toEqual({ divr: 0, divf: 63, divq: 5, filterRange: 1, inMHz: 12, targetMHz: 24, actualMHz: 24, pfdMHz: 12, vcoMHz: 768 });
  });

  it('every result satisfies the PLL equations and limits', () => {
    for (const inMHz of [12, 16, 25, 100]) {
      for (const target of [16.5, 20, 24, 31, 48, 66, 100, 133, 200, 270]) {
        const p = pllFor(inMHz, target);
        const pfd = inMHz / (p.divr + 1);
        const vco = pfd * (p.divf + 1);
        expect(p.actualMHz).toBeCloseTo(vco / 2 ** p.divq, 9);
        expect(pfd).toBeGreaterThanOrEqual(PLL_LIMITS.pfdMHz[0]);
        expect(pfd).toBeLessThanOrEqual(PLL_LIMITS.pfdMHz[1]);
        expect(vco).toBeGreaterThanOrEqual(PLL_LIMITS.vcoMHz[0]);
        expect(vco).toBeLessThanOrEqual(PLL_LIMITS.vcoMHz[1]);
        expect(p.actualMHz).toBeGreaterThanOrEqual(16);
        expect(p.actualMHz).toBeLessThanOrEqual(275);
        expect(Math.abs(p.actualMHz - target) / target).toBeLessThanOrEqual(0.02);
        expect([p.divr <= 15, p.divf <= 127, p.divq >= 1 && p.divq <= 6]).toEqual([true, true, true]);
        expect(p.filterRange).toBe(filterRangeFor(pfd));
      }
    }
  });

  // icepll comes with fpga-icestorm, installed by scripts/setup.sh
  it('agrees with icepll (Project IceStorm) inside the output range', async () => {
    for (const inMHz of [12, 16]) {
      for (const target of [18, 20, 24, 25, 30, 33.3, 36, 40, 48, 50, 60, 72, 75, 100, 120, 150, 200, 250]) {
        const ref = await icepll(inMHz, target);
        expect(ref, `icepll -i ${inMHz} -o ${target}`).not.toBeNull();
        const p = pllFor(inMHz, target);
        expect({ divr: p.divr, divf: p.divf, divq: p.divq, filterRange: p.filterRange }, `${inMHz} -> ${target} MHz`)
          .toEqual({ divr: ref!.divr, divf: ref!.divf, divq: ref!.divq, filterRange: ref!.filterRange });
        expect(p.actualMHz).toBeCloseTo(ref!.actualMHz, 3);
      }
    }
  });

  it('stays inside 16..275 MHz at the edges, where icepll may step outside', () => {
    expect(pllFor(12, 16).actualMHz).toBeGreaterThanOrEqual(16);   // icepll -o 16 gives 15.938
    expect(pllFor(12, 275).actualMHz).toBe(270);                    // icepll -o 275 gives 276
    expect(pllRange(12)).toEqual({ minMHz: 16.125, maxMHz: 270 });
  });

  it('a clock the PLL cannot make: CircaInputError naming --clock and the achievable range', () => {
    for (const bad of [10, 15.9, 276, 400]) {
      const e = (() => { try { pllFor(12, bad); return null; } catch (err) { return err; } })();
      expect(e).toBeInstanceOf(CircaInputError);
      expect((e as Error).message).toMatch(new RegExp(`^--clock ${bad}: the iCE40 PLL makes 16\\.\\.275 MHz \\(VCO 533\\.\\.1066 MHz\\); achievable: 16\\.125\\.\\.270 MHz from the 12 MHz board clock`));
    }
    expect(() => pllFor(5, 24)).toThrow(/--clock: the board clock \(5 MHz\) is outside the PLL's input range 10\.\.133 MHz/);
    expect(() => pllFor(12, Number.NaN)).toThrow(/--clock NaN/);
  });

  it('clock plans, the --clock option and its description', () => {
    expect(clockPlan(12)).toEqual({ boardMHz: 12, mhz: 12, pll: null });
    expect(clockPlan(12, 12)).toEqual({ boardMHz: 12, mhz: 12, pll: null });
    const c = clockPlan(12, 50);
    expect(c.mhz).toBe(50.25);
    expect(describeClock(c)).toBe('clock: PLL 12 MHz -> 50.25 MHz (asked 50) (DIVR 0, DIVF 66, DIVQ 4, FILTER_RANGE 1; PFD 12 MHz, VCO 804 MHz)');
    expect(describeClock(clockPlan(12))).toBe('clock: 12 MHz board clock, no PLL');
    expect(parseClockMHz('24')).toBe(24);
    expect(parseClockMHz('33.3')).toBe(33.3);
    expect(() => parseClockMHz('fast')).toThrow(InvalidArgumentError);
    expect(() => parseClockMHz('-5')).toThrow(/--clock must be a frequency in MHz/);
    expect(clockOption().flags).toBe('--clock <MHz>');
  });
});

describe('board top with the PLL', () => {
  const rtl = loadDesign('examples/mitbih-tvscm.json').rtl();

  it('iCEBreaker at 24 MHz: SB_PLL40_PAD on pin 35, 208 clocks per bit, the flow sees 24 MHz', { tags: ['tools'] }, async () => {
    const d = boardDesign(rtl, loadBoard('icebreaker'), 24);
    expect(d.clock.pll).toMatchObject({ divr: 0, divf: 63, divq: 5, filterRange: 1, actualMHz: 24 });
    expect(d.clksPerBit).toBe(208);
    expect(d.flowBoard.clock).toEqual({ pin: '35', mhz: 24 });
    expect(d.pcf).toContain('set_io clk 35');
    const top = d.sources.at(-1)!.text;
    expect(top).toMatch(/pll_ice40 #\(\s*\n\s*\.DIVR\s+\(4'd0\),\s*\n\s*\.DIVF\s+\(7'd63\),\s*\n\s*\.DIVQ\s+\(3'd5\),\s*\n\s*\.FILTER_RANGE \(3'd1\),\s*\n\s*\.PAD\s+\(1\)/);
    expect(top).toMatch(/clock = PLL 12 MHz -> 24 MHz .*SB_PLL40_PAD/);
    expect(top).toMatch(/holds reset for 16 cycles after the PLL locks/);
    // Verilator and Icarus see the PLL's pass-through stand-in; yosys sees the primitive (declared by pll_ice40_cells.v)
    expect(d.sources.map((s) => s.name)).toEqual(expect.arrayContaining(['pll_ice40_cells.v', 'pll_ice40.v']));
    for (const c of await checkRtl(d.sources, d.top)) expect(c.messages, c.tool).toEqual([]);
  });

  it('iCEstick at 36 MHz: SB_PLL40_CORE (its clock pin is not a PLL pad)', () => {
    const d = boardDesignWithClock(rtl, loadBoard('icestick'), 36);
    expect(d.sources.at(-1)!.text).toMatch(/\.PAD\s+\(0\)/);
    expect(d.clksPerBit).toBe(313);
  });

  it('without --clock, or at the board clock: no PLL', () => {
    for (const d of [boardDesign(rtl, loadBoard('icebreaker')), boardDesign(rtl, loadBoard('icebreaker'), 12)]) {
      expect(d.clock.pll).toBeNull();
      expect(d.sources.map((s) => s.name)).not.toContain('pll_ice40.v');
      expect(d.sources.at(-1)!.text).not.toMatch(/pll_ice40/);
    }
  });

  it('an impossible clock is refused before anything is generated', () => {
    expect(() => boardDesign(rtl, loadBoard('icebreaker'), 300)).toThrow(/^--clock 300: .*achievable/);
  });
});
