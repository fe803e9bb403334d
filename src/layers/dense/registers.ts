/**
 * Dense run-time registers: only with memory "spram", whose weights a
 * bitstream cannot initialise. The config port is dense_loader.v:
 *   0 = restart the weight load at word 0 (any value)
 *   1 = write the value's low P*W_W bits as the next word (lane j in bits
 *       [j*W_W +: W_W]: W[g*P + j][k] of word g*N + k)
 *   2, 3 = nothing
 * Setup: a restart, then every word of denseLoadWords in order.
 *
 * The model is src/layers/spram-load.ts's (the loader's pointer and the
 * memory). It starts holding the spec's words with the pointer at its reset
 * value: SPRAM keeps its contents through a reset, so this is the device
 * after a load of the spec (after a power cycle the SPRAM holds nothing
 * known, and without the load, `circa run --no-sync`, the answers differ).
 * Once the memory differs from the spec's words, they are decoded back into
 * W (the padded rows of the last group are never used).
 */
import { fromUnsigned } from '../../fixed/index.ts';
import type { LayerRegisters } from '../types.ts';
import { spramLoadRegisters } from '../spram-load.ts';
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
  const rowOf = (a: number, j: number) => Math.floor(a / p.n) * p.lanes + j;
  return spramLoadRegisters({
    words: denseLoadWords(p),
    size: 2 ** (denseParams(p).WA_W as number),
    wordWidth: p.wordWidth,
    describe: (a, u) => unpackDenseWord(p, u)
      .map((v, j) => (rowOf(a, j) < p.m ? `W[${rowOf(a, j)}][${a % p.n}] = ${v}` : null))
      .filter((s) => s !== null),
    reference: (x) => denseReference(p, x),
    decode(mem) {
      const w = p.w.map((row) => [...row]);
      mem.forEach((u, a) => unpackDenseWord(p, u).forEach((v, j) => {
        if (rowOf(a, j) < p.m) w[rowOf(a, j)][a % p.n] = v;
      }));
      const decoded = { ...p, w };
      return (x) => denseReference(decoded, x);
    },
  });
}
