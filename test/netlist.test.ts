/**
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
 * part. This test looks at the netlist itself.
 */
import { describe, expect, it } from 'vitest';
import { synthIce40 } from '../src/fft/fit.ts';
import { designFromPlan, loadDesign, type Design } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { predictResources } from '../src/estimate/resources.ts';

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

const CASES: [string, () => Design][] = [
  ['blockcirc-784 (16 x 8 products, spectra in SPRAM)', () => loadDesign('examples/blockcirc-784.json')],
  ['block-circulant 64 -> 64, k = 8, 2 lanes, 16-bit spectra (16 x 16 products)', () => designFromPlan(planAny({
    kind: 'block-circulant', name: 'bc16', inputs: 64, outputs: 64, blockSize: 8, macs: 2,
    weights: { init: 'random', seed: 3, spectrumWidth: 16 }, output: { format: { int: 2, frac: 5 } },
  }), false)],
  ['fft64', () => loadDesign('examples/fft64.json')],
  ['circulant-256', () => loadDesign('examples/circulant-256.json')],
];

describe('every multiplier survives synthesis, every SB_MAC16 input is driven (YoWASP yosys)', () => {
  for (const [label, make] of CASES) {
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
