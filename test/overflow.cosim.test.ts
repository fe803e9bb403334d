/**
 * The overflow flag in the RTL means what it means in the models: an output
 * that lost information (requantActivate() in src/fixed/index.ts). For one
 * layer of each kind with an activation (test/overflow-meaning.ts), the
 * vectors whose requantiser overflowed only where the activation discards
 * it leave the RTL's sticky flag clear, and the vectors that lost
 * information raise it, value for value bit-exact, under random stalls.
 */
import { describe, expect, it } from 'vitest';
import { formatMismatch } from '../src/sim/cosim.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';
import { OVERFLOW_CASES, splitVectors } from './overflow-meaning.ts';

describe('overflow flag: RTL against the models', { tags: ['tools'] }, () => {
  for (const c of OVERFLOW_CASES) {
    it(c.label, async () => {
      const { layer, discarded, lost } = splitVectors(c);
      for (const [inputs, raised] of [[discarded.slice(0, 12), false], [lost.slice(0, 4), true]] as const) {
        if (!inputs.length) continue;
        const r = await cosimLayer(layer, { inputs, seed: 3, validPct: 80, readyPct: 70 });
        expect(r.mismatches.map(formatMismatch)).toEqual([]);
        expect(r.exact).toBe(inputs.length);
        expect({ expected: r.overflowExpected, got: r.overflowGot }).toEqual({ expected: raised, got: raised });
      }
    });
  }
});
