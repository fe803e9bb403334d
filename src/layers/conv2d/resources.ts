/**
 * The conv2d resource face: the line buffer (RAM, NB*W*CW words of BEAT*X_W
 * bits), the weight ROM (G*KK x P*W_W), the bias ROM (G x P*B_W), P MACs,
 * and the window counters and address arithmetic of rtl-templates/conv_layer.v.
 */
import { bitsFor } from '../formats.ts';
import type { LayerResources, MemoryUse, MultiplierSpec, ResourceContext } from '../resources.ts';
import type { Conv2dPlan } from './plan.ts';
import { conv2dParams } from './rtl.ts';

export function conv2dResources(p: Conv2dPlan, { name, cycles }: ResourceContext): LayerResources {
  const P = p.lanes;
  const issues = p.ho * p.wo * p.groups * p.kk;
  const depth = p.rows * p.w * p.pixelBeats;
  const memories: MemoryUse[] = [
    {
      name: `${name}.lbuf`, depth, width: p.beat * p.xWidth, rom: false,
      writes: p.beats, reads: cycles, usefulReads: issues, weights: false,
    },
    {
      name: `${name}.wrom`, depth: p.groups * p.kk, width: p.wordWidth, rom: true, forceBlock: p.memory === 'ebr',
      writes: 0, reads: cycles, usefulReads: issues, weights: true,
    },
    { name: `${name}.brom`, depth: p.groups, width: P * p.bWidth, rom: true, writes: 0, reads: cycles, usefulReads: p.ho * p.wo * p.groups, weights: true },
  ];
  // "dual8": two lanes' products per SB_MAC16 (dsp_dual8.v), ceil(P/2) DSPs
  const multipliers: MultiplierSpec[] = [{ name: `${name}.x*w`, a: p.xWidth, b: p.wWidth, y: p.prodWidth, count: P, ...(p.dsp === 'dual8' ? { perDsp: 2 } : {}) }];
  const q = conv2dParams(p);
  const num = (k: string) => q[k] as number;
  // counters c, kx, ky, g, ox, oy, the weight address, the loader's address
  // and row beat; position registers by, bx, lo, the slot, avail; the
  // address arithmetic (slot*W + x)*CW + word
  const ctrl = num('C_W') + 2 * num('KX_W') + num('G_W') + num('OX_W') + num('OY_W') + num('WA_W') + num('XA_W') + num('RB_W') +
    3 * num('POS_W') + num('SL_W') + num('AV_W') + 2 * bitsFor(depth);
  return {
    memories,
    multipliers,
    arith: {
      multiplies: [{ a: p.xWidth, b: p.wWidth, y: p.prodWidth, count: issues * P }],
      adds: [
        { width: p.accWidth, count: issues * P },
        { width: p.accWidth, count: p.ho * p.wo * p.groups * P },
      ],
    },
    features: {
      one: 1,
      lanes: P,
      lane: P * (p.accWidth + p.yWidth),
      prod: P * (p.prodWidth + p.bWidth),
      ctrl,
    },
  };
}
