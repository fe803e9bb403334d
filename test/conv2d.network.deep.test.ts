/**
 * Conv2d in a network, both schedules: conv -> conv (stride 2) -> dense ->
 * argmax co-simulated bit-exact under stalls and with every vector's cycles
 * as the composed timeline predicts (the deep tier: one Verilator build each).
 */
import { describe, it } from 'vitest';
import { planNetwork } from '../src/network/plan.ts';
import { expectNetworkExact } from './network-cosim.ts';
import { convChain } from './cnn-specs.ts';

describe('conv2d in a network, both schedules', { tags: ['tools'] }, () => {
  const net = convChain;
  it('sequential: bit-exact under stalls, every vector\'s cycles as predicted', async () => {
    await expectNetworkExact(planNetwork(net('sequential')), 12);
  });

  it('pipelined: bit-exact under stalls, every vector\'s cycles as predicted', async () => {
    await expectNetworkExact(planNetwork(net('pipelined')), 16);
  });

});
