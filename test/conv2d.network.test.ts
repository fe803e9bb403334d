/**
 * Conv2d layers inside a network: conv -> conv -> dense head -> argmax,
 * and a LeNet-shaped conv -> pool -> conv -> pool -> dense -> argmax,
 * co-simulated bit-exact under random stalls and, at full rate, every
 * vector's latency and period equal to the composed timeline (both
 * schedules of the first: test/conv2d.network.deep.test.ts): the network
 * input and a link feed conv layers that hold their input inside an image (LayerTiming.inputGate), and a dense head reads the
 * feature map flattened in the stream order.
 */
import { describe, expect, it } from 'vitest';
import { planNetwork } from '../src/network/plan.ts';
import { networkReference } from '../src/network/reference.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { expectNetworkExact } from './network-cosim.ts';
import { convChain, lenet } from './cnn-specs.ts';

const net = convChain;

describe('conv2d in a network', { tags: ['tools'] }, () => {
  it('conv -> conv (stride 2) -> dense -> argmax: the model chains the layers\' references', () => {
    const plan = planNetwork(net('sequential'));
    const [c1, c2, head] = plan.layers;
    for (const v of makeVectors(3, 64, 8, 5)) {
      const a = c1.kind.reference(c1.plan, v.x).y;
      const b = c2.kind.reference(c2.plan, a).y;
      const c = head.kind.reference(head.plan, b).y;
      const best = c.indexOf(Math.max(...c));
      expect(networkReference(plan, v.x).y).toEqual([best, c[best]]);
    }
  });

  it('LeNet-shaped conv -> pool -> conv -> pool -> dense -> argmax, pipelined: bit-exact under stalls, cycles as predicted', async () => {
    await expectNetworkExact(planNetwork(lenet('pipelined')), 8);
  });
});
