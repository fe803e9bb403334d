/**
 * The other two trained CNNs of examples/trained/ through the RTL, as
 * test/train.sim.test.ts runs mnist-cnn: the first 300 MNIST test images
 * each (a new image every 28,936 cycles for both), bit-exact against the
 * fixed-point model,
 * no class disagreement, cycles as predicted. The floors are the
 * fixed-point model's accuracy on those images (measured), rounded down.
 */
import { describe } from 'vitest';
import { trainedThroughRtl } from './trained-rtl.ts';

describe('trained CNNs with structured layers on MNIST, in the RTL', () => {
  trainedThroughRtl('mnist-cnn-bcirc', 300, 0.95);
  trainedThroughRtl('mnist-cnn-circ', 300, 0.95);
});
