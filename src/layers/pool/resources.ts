/**
 * The pool resource face: the engine's line buffer (NB*W*CW words of
 * BEAT*X_W bits), no multipliers, P = beat comparators or adders, and the
 * engine's counters.
 */
import type { LayerResources, ResourceContext } from '../resources.ts';
import type { PoolPlan } from './plan.ts';
import { poolParams } from './rtl.ts';

export function poolResources(p: PoolPlan, { name, cycles, inNetwork }: ResourceContext): LayerResources {
  const issues = p.ho * p.wo * p.groups * p.kk;
  const q = poolParams(p);
  const num = (k: string) => q[k] as number;
  const ctrl = num('C_W') + 2 * num('KX_W') + num('G_W') + num('OX_W') + num('OY_W') + num('XA_W') + num('RB_W') + 3 * num('POS_W') + num('SL_W') + num('AV_W');
  return {
    memories: [{
      name: `${name}.lbuf`, depth: p.rows * p.w * p.pixelBeats, width: p.beat * p.xWidth, rom: false,
      writes: p.beats, reads: cycles, usefulReads: issues, weights: false,
    }],
    multipliers: [],
    arith: {
      multiplies: [],
      adds: [
        { width: p.accWidth, count: issues * p.lanes },
        { width: p.accWidth, count: p.ho * p.wo * p.groups * p.lanes },
      ],
    },
    // net: inside a network (the conv2d face's term, fitted on whole CNNs)
    features: { one: 1, lanes: p.lanes, lane: p.lanes * (p.accWidth + p.yWidth), prod: p.lanes * p.xWidth, ctrl, net: inNetwork ? 1 : 0 },
  };
}
