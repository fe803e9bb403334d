/**
 * Shared by test/netlist.test.ts and test/netlist.deep.test.ts:
 * The synthesised netlist (YoWASP yosys, synth_ice40 -dsp, what `circa build`
 * uses by default) has every multiplier the RTL has, each SB_MAC16 with its
 * inputs driven.
 *
 * Why: yosys 0.55's ice40_dsp pass folds "registered product + registered
 * product" with no clock enable into ONE SB_MAC16 and leaves its C/D addend
 * undriven ('x'), silently dropping a product (16 x 8 operands) or failing
 * (16 x 16). The block-circulant MAC lanes had that shape until their stage
 * registers got enables (rtl-templates/bcirc_layer.v): co-simulation runs the
 * RTL, so it could not see that the bitstream computed a wrong imaginary
 * part. The first tests look at the netlist's structure; the second group
 * simulates it (src/sim/netlist.ts), which caught the same bug as value
 * mismatches (7 of 10 vectors exact on the old block-circulant lanes).
 */
import { describe, expect, it } from 'vitest';
import { synthIce40 } from '../src/fft/fit.ts';
import { designFromPlan, loadDesign, type Design } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { predictResources } from '../src/estimate/resources.ts';
import { cosim } from '../src/sim/cosim.ts';
import { synthesisedRtl } from '../src/sim/netlist.ts';

interface Cell { type: string; connections: Record<string, (number | string)[]> }

async function macCells(design: Design): Promise<Cell[]> {
  const rtl = design.rtl();
  const r = await synthIce40(rtl.sources, rtl.top);
  const net = JSON.parse(r.json) as { modules: Record<string, { cells: Record<string, Cell> }> };
  return Object.values(net.modules[rtl.top].cells).filter((c) => c.type === 'SB_MAC16');
}

function undriven(cells: Cell[]): string[] {
  const bad: string[] = [];
  cells.forEach((c, i) => {
    for (const port of ['A', 'B', 'C', 'D']) {
      if ((c.connections[port] ?? []).some((b) => b === 'x')) bad.push(`SB_MAC16 #${i} port ${port}`);
    }
  });
  return bad;
}

export const CASES: [string, () => Design][] = [
  ['blockcirc-784 (16 x 8 products, spectra in SPRAM)', () => loadDesign('examples/blockcirc-784.json')],
  ['block-circulant 64 -> 64, k = 8, 2 lanes, 16-bit spectra (16 x 16 products)', () => designFromPlan(planAny({
    kind: 'block-circulant', name: 'bc16', inputs: 64, outputs: 64, blockSize: 8, macs: 2,
    weights: { init: 'random', seed: 3, spectrumWidth: 16 }, output: { format: { int: 2, frac: 5 } },
  }), false)],
  ['fft64', () => loadDesign('examples/fft64.json')],
  ['circulant-256', () => loadDesign('examples/circulant-256.json')],
];

/** The checks of the default suite (test/netlist.test.ts); test/netlist.deep.test.ts runs the others. */
export const DEFAULT_NETLIST_CHECKS = [
  'blockcirc-784 (16 x 8 products, spectra in SPRAM)', 'block-circulant 64 -> 64, k = 8, 2 lanes, 16-bit spectra (16 x 16 products)',
  'block-circulant 128 -> 64, k = 8 (the lane shape that lost a product before)', 'tvscm-784', 'spram refusal',
];

/** The structure checks and gate-level co-simulations whose labels `pick` takes. */
export function describeNetlistChecks(pick: (label: string) => boolean): void {
  describe('every multiplier survives synthesis, every SB_MAC16 input is driven (YoWASP yosys)', () => {
    for (const [label, make] of CASES.filter(([label]) => pick(label))) {
      it(label, async () => {
        const design = make();
        const macs = await macCells(design);
        expect(undriven(macs)).toEqual([]);
        // as many SB_MAC16 as the RTL's multipliers need (the resource model: one per product of
        // at most 16 x 16 bits, more for wider ones, e.g. circulant-256's unscaled IFFT stages)
        const rtlMultipliers = design.cost().hardware.multipliers;
        const dsp = predictResources(design, { part: 'UP5K', board: false }).total.dsp;
        expect(dsp).toBeGreaterThanOrEqual(rtlMultipliers);
        expect(macs.length).toBe(dsp);
      });
    }
  });

  describe('gate-level co-simulation: the synthesised netlist (YoWASP yosys + its iCE40 cell models) against the reference model', () => {
    const GL: [string, () => Design, number][] = [
      ['fft64', () => loadDesign('examples/fft64.json'), 200],
      // spectra in EBR: block RAM contents come through the netlist's INIT parameters
      ['block-circulant 128 -> 64, k = 8 (the lane shape that lost a product before)', () => designFromPlan(planAny({
        kind: 'block-circulant', name: 'bc128', inputs: 128, outputs: 64, blockSize: 8,
        weights: { init: 'random', seed: 2 }, output: { format: { int: 2, frac: 5 } },
      }), false), 100],
      ['tvscm-784', () => loadDesign('examples/tvscm-784.json'), 50],
    ];
    for (const [label, make, vectors] of GL.filter(([label]) => pick(label))) {
      it(`${label}: ${vectors} vectors bit-exact under backpressure, and cycles == predicted at full rate`, async () => {
        const design = make();
        const dut = design.dut();
        const gl = { ...dut, label: `${dut.label}_gl`, rtl: await synthesisedRtl(dut.rtl) };
        expect(gl.rtl.sources.map((s) => s.name)).toEqual(['ice40_cells_sim.v', `${dut.rtl.top}_netlist.v`]);
        const stalled = await cosim(gl, { vectors, seed: 4, validPct: 70, readyPct: 60 });
        expect(stalled.mismatches).toEqual([]);
        expect(stalled.exact).toBe(vectors);
        expect(stalled.overflowGot).toBe(stalled.overflowExpected);
        const full = await cosim(gl, { vectors: 10, seed: 5 });
        expect(full.exact).toBe(10);
        expect(full.cycles.match).toBe(true);
      });
    }

    if (pick('spram refusal')) it('a design with SPRAM (contents loaded at run time, none in the netlist) is refused, naming SPRAM', async () => {
      const design = designFromPlan(planAny({
        kind: 'block-circulant', name: 'bc_sp', inputs: 48, outputs: 40, blockSize: 8, memory: 'spram',
        weights: { init: 'random', seed: 9 }, output: { format: { int: 2, frac: 5 } },
      }), false);
      await expect(synthesisedRtl(design.rtl())).rejects.toThrow(/--gate-level: bc_sp_top keeps memory in SPRAM/);
    });
  });
}
