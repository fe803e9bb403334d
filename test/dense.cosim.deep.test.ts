/**
 * The dense wide-beat shapes the default suite leaves out
 * (test/dense-cosim.ts): bit-exact under stalls, every vector's cycles as
 * predicted, one Verilator build each.
 */
import { describe } from 'vitest';
import { itWideCase, WIDE_CASES } from './dense-cosim.ts';

describe('dense wide input beats ("beat": k elements per input beat), every shape', () => {
  for (const c of WIDE_CASES.filter(([n, m]) => !(n === 16 && m === 6))) itWideCase(c);
});
