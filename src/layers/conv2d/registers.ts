/**
 * Conv2d run-time registers: only with memory "spram", whose weights a
 * bitstream cannot initialise. The config port is dense_loader.v, as the
 * dense kind's:
 *   0 = restart the weight load at word 0 (any value)
 *   1 = write the value's low wordWidth bits as the next word (slot s in
 *       bits [s*W_W +: W_W]; the layout of conv2dWordValues, rtl.ts)
 *   2, 3 = nothing
 * Setup: a restart, then every word of conv2dLoadWords in order.
 *
 * The model is src/layers/spram-load.ts's (the loader's pointer and the
 * memory, starting with the spec's words). Once the memory differs from the
 * spec's words, they are decoded back into the weights (block-circulant: the
 * k values of each block, expanded) and the plan's reference runs with those.
 */
import { fromUnsigned } from '../../fixed/index.ts';
import type { LayerRegisters } from '../types.ts';
import { spramLoadRegisters } from '../spram-load.ts';
import { bcIndex, circIndex, kernelIndex, type Conv2dPlan } from './plan.ts';
import { bcWordOf, conv2dLoadWords, conv2dParams } from './rtl.ts';
import { conv2dReference } from './reference.ts';

/** The raw slots of an unsigned weight word: slot s = bits [s*W_W +: W_W], signed. */
function unpack(p: Conv2dPlan, u: number): number[] {
  const b = BigInt(u);
  const w = BigInt(p.wWidth);
  return Array.from({ length: p.slots }, (_, s) => fromUnsigned(BigInt.asUintN(p.wWidth, b >> (BigInt(s) * w)), p.wWidth));
}

/** What slot s of word a holds: a label, and where it goes (dense: weights[o][e]; block-circulant: bcWeights[i]), null if unused. */
function slotTarget(p: Conv2dPlan, a: number, s: number): { label: string; o?: number; e?: number; i?: number } | null {
  if (p.structure === 'dense') {
    const o = Math.floor(a / p.kk) * p.lanes + s;
    const e = a % p.kk;
    return o < p.m ? { label: `W[${o}][element ${e}]`, o, e } : null;
  }
  const { rg, pos, bc } = bcWordOf(p, a);
  const k = p.blockSize;
  const bo = rg * p.blockRows + Math.floor(s / k);
  if (bo >= p.m / k) return null;
  const t = s % k;
  const ky = Math.floor(pos / p.k);
  const kx = pos % p.k;
  return { label: `w[${bo}][${bc}][${t}][${ky}][${kx}]`, i: bcIndex(p, bo, bc, t, ky, kx) };
}

/** The plan with the weights the memory holds. */
function decode(p: Conv2dPlan, mem: readonly number[]): Conv2dPlan {
  const weights = p.weights.map((r) => [...r]);
  const bcWeights = [...p.bcWeights];
  mem.forEach((u, a) => unpack(p, u).forEach((v, s) => {
    const t = slotTarget(p, a, s);
    if (t?.i !== undefined) bcWeights[t.i] = v;
    else if (t) weights[t.o!][t.e!] = v;
  }));
  if (p.structure === 'block-circulant') {
    const k = p.blockSize;
    for (let o = 0; o < p.m; o++) {
      for (let c = 0; c < p.c; c++) {
        for (let ky = 0; ky < p.kh; ky++) {
          for (let kx = 0; kx < p.k; kx++) weights[o][kernelIndex(p, ky, kx, c)] = bcWeights[bcIndex(p, Math.floor(o / k), Math.floor(c / k), circIndex(o, c, k), ky, kx)];
        }
      }
    }
  }
  return { ...p, weights, bcWeights };
}

export function conv2dRegisters(p: Conv2dPlan): LayerRegisters | null {
  if (p.memory !== 'spram') return null;
  return spramLoadRegisters({
    words: conv2dLoadWords(p).map(Number),
    size: 2 ** (conv2dParams(p).WA_W as number),
    wordWidth: p.wordWidth,
    describe: (a, u) => unpack(p, u).map((v, s) => {
      const t = slotTarget(p, a, s);
      return t ? `${t.label} = ${v}` : null;
    }).filter((x) => x !== null),
    reference: (x) => conv2dReference(p, x),
    decode(mem) {
      const decoded = decode(p, mem);
      return (x) => conv2dReference(decoded, x);
    },
  });
}
