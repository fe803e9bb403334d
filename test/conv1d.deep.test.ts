/**
 * examples/ecg-conv1d.json (conv1d -> max pool -> conv1d -> dense -> argmax
 * on a 187-sample input) co-simulated bit-exact under stalls, every vector's
 * cycles as the composed timeline predicts (deep tier: one Verilator build).
 */
import { describe, it } from 'vitest';
import { join } from 'node:path';
import { loadAnyFile } from '../src/network/plan.ts';
import { expectNetworkExact } from './network-cosim.ts';

describe('examples/ecg-conv1d.json', { tags: ['tools'] }, () => {
  it('co-simulates bit-exact under stalls with every vector\'s cycles as predicted', async () => {
    await expectNetworkExact(loadAnyFile(join(import.meta.dirname, '..', 'examples/ecg-conv1d.json')), 12);
  });
});
