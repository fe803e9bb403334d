/**
 * The conv2d resource face: the line buffer (RAM, NB*W*CW words of BEAT*X_W
 * bits), the weight ROM (G*KK x P*W_W; block-circulant romDepth x
 * slots*W_W; with memory "spram" a RAM, ram_style "huge", and
 * dense_loader.v), the bias ROM (G x P*B_W), P MACs,
 * and the window counters and address arithmetic of rtl-templates/conv_layer.v.
 */
import { bitsFor } from '../formats.ts';
import type { LayerResources, MemoryUse, MultiplierSpec, ResourceContext } from '../resources.ts';
import type { Conv2dPlan } from './plan.ts';
import { conv2dParams } from './rtl.ts';

export function conv2dResources(p: Conv2dPlan, { name, cycles, inNetwork }: ResourceContext): LayerResources {
  const P = p.lanes;
  const issues = p.ho * p.wo * p.groups * p.kk;
  const depth = p.rows * p.w * p.pixelBeats;
  const memories: MemoryUse[] = [
    {
      name: `${name}.lbuf`, depth, width: p.beat * p.xWidth, rom: false,
      writes: p.beats, reads: cycles, usefulReads: issues, weights: false,
    },
    // the weight memory: romDepth words of wordWidth bits (block-circulant: k values per block and kernel position)
    p.memory === 'spram'
      ? {
          name: `${name}.wmem`, depth: p.romDepth, width: p.wordWidth, rom: false, huge: true,
          writes: 0, reads: cycles, usefulReads: issues, weights: true,
        }
      : {
          name: `${name}.wrom`, depth: p.romDepth, width: p.wordWidth, rom: true, forceBlock: p.memory === 'ebr',
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
  // block-circulant: the row group's base address, c mod k, g mod GPR, and
  // the rotation register (a word) with its 2:1 multiplexer
  const circ = p.structure === 'dense' ? 0 : num('WA_W') + num('CB_W') + num('GR_W') + 2 * p.wordWidth + (p.groupsPerRow > 1 ? P * p.wWidth : 0);
  const ctrl = num('C_W') + 2 * num('KX_W') + num('G_W') + num('OX_W') + num('OY_W') + num('WA_W') + num('XA_W') + num('RB_W') +
    3 * num('POS_W') + num('SL_W') + num('AV_W') + 2 * bitsFor(depth) + circ;
  return {
    // conv1d is this engine and face too: one model prices both
    model: 'conv2d',
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
      // the line buffer's word (a beat of channels) and its element select
      word: p.beat * p.xWidth,
      ctrl,
      // inside a network: what yosys saves across the layer's ports with the
      // stream links beside it (fitted on whole CNNs, synthesised and built)
      net: inNetwork ? 1 : 0,
    },
  };
}
