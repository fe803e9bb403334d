/**
 * The network co-simulation the default suite leaves out: mnist-dense, the
 * paper's dense baseline (615k weights in ROM, the longest Verilator build
 * of test/network.test.ts).
 */
import { it } from 'vitest';
import { readJsonFile } from '../src/layers/load.ts';
import { expectNetworkExact } from './network-exact.ts';

it('mnist-dense (the baseline, 615k weights in ROM; a ~2 minute Verilator build): 3 inputs', async () => {
  await expectNetworkExact(readJsonFile('examples/mnist-dense.json'), 3);
});
