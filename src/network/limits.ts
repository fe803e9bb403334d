/**
 * What `generate`, `sim` and `build` refuse before any work: a design whose
 * memory (weights and buffers, from the cost face) is far beyond every
 * iCE40. Such a design cannot be built, and Verilator and yosys would spend
 * hours on its ROMs; `circa estimate` still answers for it.
 *
 * The limit is MEMORY_LIMIT_FACTOR times the most memory any iCE40 part has
 * (UP5K: 30 EBR x 4 kbit + 4 SPRAM x 256 kbit = 1,171,456 bits), so designs
 * a few times too big can still be generated and simulated to see by how much
 * they miss (the paper's mnist-dense, 784 x 784 dense, is about 4.4x).
 */
import { CircaInputError } from '../errors.ts';
import { ice40 } from '../target/index.ts';
import type { LayerKind } from '../layers/types.ts';

export const MEMORY_LIMIT_FACTOR = 16;

/** Memory bits of the largest iCE40 part (EBR 4 kbit blocks plus SPRAM 256 kbit blocks), and its name. */
export function largestPartMemory(): { part: string; bits: number } {
  const all = Object.values(ice40.parts).map((p) => ({ part: p.name, bits: p.limits.ebr * 4096 + p.limits.spram * 262144 }));
  return all.reduce((a, b) => (b.bits > a.bits ? b : a));
}

export function memoryLimitBits(): number {
  return MEMORY_LIMIT_FACTOR * largestPartMemory().bits;
}

/** Throw a CircaInputError naming the largest layer when the layers' memory is over the limit (before any RTL is rendered). */
export function checkMemory(layers: readonly { index: number; kind: LayerKind<any, any>; plan: unknown }[], isNetwork: boolean, where = ''): void {
  const sized = layers.map((l) => {
    const h = l.kind.cost(l.plan).hardware;
    return { index: l.index, bits: h.weightBits + h.bufferBits };
  });
  const total = sized.reduce((s, x) => s + x.bits, 0);
  const limit = memoryLimitBits();
  if (total <= limit) return;
  const big = sized.reduce((a, b) => (b.bits > a.bits ? b : a));
  const { part, bits } = largestPartMemory();
  const n = (v: number) => v.toLocaleString('en-US');
  const field = isNetwork ? `layers[${big.index}]` : '(top level)';
  throw new CircaInputError(
    `${where}${field}: the design needs ${n(total)} bits of weight and buffer memory` +
      `${isNetwork ? ` (${n(big.bits)} in this layer)` : ''}, ${(total / bits).toFixed(0)}x the largest iCE40 ` +
      `(${part}: ${n(bits)} bits of EBR and SPRAM); generate, sim and build stop at ${MEMORY_LIMIT_FACTOR}x (${n(limit)} bits), ` +
      'where Verilator and yosys would take hours on the ROMs. `circa estimate` still reports its cycles and operations',
  );
}
