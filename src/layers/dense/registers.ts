/**
 * Dense run-time registers: only with memory "spram", whose weights a
 * bitstream cannot initialise. The config port is dense_loader.v:
 *   0 = restart the weight load at word 0 (any value)
 *   1 = write the value's low P*W_W bits as the next word (lane j in bits
 *       [j*W_W +: W_W]: W[g*P + j][k] of word g*N + k)
 *   2, 3 = nothing
 * Setup: a restart, then every word of denseLoadWords in order.
 *
 * The model mirrors the loader: its word pointer (wrapping at 2^WA_W like the
 * RTL's counter; a word past the end of the memory changes nothing) and the
 * memory. It starts holding the spec's words with the pointer at its reset
 * value: SPRAM keeps its contents through a reset, so this is the device
 * after a load of the spec (after a power cycle the SPRAM holds nothing
 * known, and without the load, `circa run --no-sync`, the answers differ).
 * While the memory holds the spec's words, reference() is the plan's; once it
 * differs, the words are decoded back into W (the padded rows of the last
 * group are never used) and the plan's reference runs with that.
 */
import { fromUnsigned } from '../../fixed/index.ts';
import type { LayerRegisters } from '../types.ts';
import type { DensePlan } from './plan.ts';
import { denseParams, denseLoadWords } from './rtl.ts';
import { denseReference } from './reference.ts';

/** The raw lanes of an unsigned weight word: lane j = bits [j*W_W +: W_W], signed. */
export function unpackDenseWord(p: DensePlan, u: number): number[] {
  const b = BigInt(u);
  const w = BigInt(p.wWidth);
  return Array.from({ length: p.lanes }, (_, j) => fromUnsigned(BigInt.asUintN(p.wWidth, b >> (BigInt(j) * w)), p.wWidth));
}

export function denseRegisters(p: DensePlan): LayerRegisters | null {
  if (p.memory !== 'spram') return null;
  const spec = denseLoadWords(p);
  const words = spec.length;
  const size = 2 ** (denseParams(p).WA_W as number);   // the loader's pointer wraps here
  const mem = [...spec];
  let differing = 0;   // words of mem that are not the spec's
  let ptr = 0;
  let decoded: DensePlan | null = null;

  const decode = (): DensePlan => {
    const w = p.w.map((row) => [...row]);
    for (let a = 0; a < words; a++) {
      const g = Math.floor(a / p.n);
      const k = a % p.n;
      unpackDenseWord(p, mem[a]).forEach((v, j) => {
        const row = g * p.lanes + j;
        if (row < p.m) w[row][k] = v;
      });
    }
    return { ...p, w };
  };

  return {
    setup: () => ({
      writes: [{ reg: 0, value: 0 }, ...spec.map((value) => ({ reg: 1, value }))],
      summary: `loaded the weights into SPRAM (${words} words of ${p.wordWidth} bits)`,
      task: 'loading the weights',
    }),
    write(reg, value) {
      if (reg === 0) {
        ptr = 0;
        return { effect: 'weight load restarted at the first word', applied: true, clearsOverflow: false };
      }
      if (reg !== 1) return { effect: `no register ${reg} (0 = restart the weight load, 1 = next weight word)`, applied: false, clearsOverflow: false };
      const u = Number(BigInt.asUintN(p.wordWidth, BigInt(value)));
      const a = ptr;
      ptr = (ptr + 1) % size;
      if (a >= words) {
        return { effect: `word ${a} is past the end of the weight memory (${words} words): no change`, applied: true, clearsOverflow: false };
      }
      differing += (u !== spec[a] ? 1 : 0) - (mem[a] !== spec[a] ? 1 : 0);
      if (mem[a] !== u) decoded = null;
      mem[a] = u;
      const g = Math.floor(a / p.n);
      const k = a % p.n;
      const lanes = unpackDenseWord(p, u)
        .map((v, j) => (g * p.lanes + j < p.m ? `W[${g * p.lanes + j}][${k}] = ${v}` : null))
        .filter((s) => s !== null);
      return { effect: `word ${a}: ${lanes.join(', ')}${u === spec[a] ? '' : ' (not the spec\'s)'}`, applied: true, clearsOverflow: false };
    },
    reference(x) {
      if (differing === 0) return denseReference(p, x);
      decoded ??= decode();
      return denseReference(decoded, x);
    },
  };
}
