/**
 * The TVSCM resource face (rtl-templates/tvscm_layer.v, parameters from
 * rtl.ts): P lane banks (RAM, ROWS x X_W), two or P+1 multipliers,
 * pre-adders, accumulators. Read from the plan the rtl face renders.
 */
import { bitsFor } from '../formats.ts';
import type { LayerResources, MemoryUse, MultiplierSpec, ArithUse, ResourceContext } from '../resources.ts';
import type { TvscmPlan } from './plan.ts';

/** TVSCM (rtl-templates/tvscm_layer.v, parameters from src/layers/tvscm/rtl.ts). */
export function tvscmResources(p: TvscmPlan, { name, cycles }: ResourceContext): LayerResources {
  const band = p.placement === 'band';
  const P = p.lanes;
  const fetches = p.rows + 2 * p.windowRows;
  // one memory per lane holding the input buffers (two: rows 0..ROWS-1 and ROWS..2*ROWS-1,
  // twice the depth of one, so that load overlaps compute)
  const memories: MemoryUse[] = Array.from({ length: P }, (_, j) => ({
    name: `${name}.bank[${j}]`,
    depth: p.buffers * p.rows,
    width: p.xWidth,
    rom: false,
    // each element is written once, into the bank of its lane
    writes: Math.ceil((p.n - j) / P),
    reads: cycles,
    usefulReads: fetches,
    weights: false,
  }));
  const multipliers: MultiplierSpec[] = band
    ? [
        // "dual8": two lanes' a*x per SB_MAC16 (dsp_dual8.v), ceil(P/2) DSPs
        { name: `${name}.a*x`, a: p.wWidth, b: p.xWidth, y: p.prodAWidth, count: P, ...(p.dsp === 'dual8' ? { perDsp: 2 } : {}) },
        { name: `${name}.b*pairsum`, a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: P },
      ]
    : [
        { name: `${name}.(a-b)*x`, a: p.diffWidth, b: p.xWidth, y: p.prodAWidth, count: P },
        { name: `${name}.b*S`, a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: 1 },
      ];
  const outputs = p.rows * P; // every lane of every row computes
  const arith: ArithUse = band
    ? {
        multiplies: [
          { a: p.wWidth, b: p.xWidth, y: p.prodAWidth, count: outputs },
          { a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: outputs },
        ],
        adds: [
          { width: p.sumWidth, count: outputs * 2 * p.radius },
          { width: p.accWidth, count: outputs * 2 }, // accumulate and rounding add
        ],
      }
    : {
        multiplies: [
          { a: p.diffWidth, b: p.xWidth, y: p.prodAWidth, count: outputs },
          { a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: 1 },
        ],
        adds: [
          { width: p.sumWidth, count: p.n }, // S while loading
          { width: p.diffWidth, count: 1 }, // a - b
          { width: p.accWidth, count: outputs * 2 },
        ],
      };
  const posMax = (p.rows + p.windowRows + 1) * P + p.n + p.radius;
  const ctrl = bitsFor(p.n) + bitsFor(p.buffers * p.rows - 1) + bitsFor(fetches) + 2 * (bitsFor(posMax) + 1) + (P > 1 ? Math.ceil(Math.log2(P)) : 0);
  const groups = band ? 2 * p.windowRows + 1 : 1;
  return {
    memories,
    multipliers,
    arith,
    features: {
      one: 1,
      lanes: P,
      // window shift register and the per-lane source muxes
      window: groups * P * p.xWidth,
      // per-lane datapath: accumulator, products, requantiser, output register
      lane: P * (p.accWidth + p.yWidth),
      // band pre-adders (radius pairs of SUM_W bits per lane) and wrap registers
      preadd: band ? P * p.radius * p.sumWidth : 0,
      // (one head/tail pair per input buffer)
      wrap: band ? 2 * p.buffers * p.radius * p.xWidth + P * p.xWidth : 0,
      // complement: S accumulator per buffer and its two pipeline tags, a - b and the shared b*S register
      shared: band ? 0 : (p.buffers + 2) * p.sumWidth + p.diffWidth + p.prodBWidth,
      // counters and position registers, weight registers
      ctrl: ctrl + 2 * p.wWidth,
    },
  };
}

