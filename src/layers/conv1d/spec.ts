/**
 * Conv1d spec face: a convolution along one axis (a signal of `length`
 * samples of `channels` elements), the conv2d engine with a 1-row image and
 * a 1 x kernel kernel. Stream order: sample by sample, the channels of a
 * sample together. Weights in PyTorch's Conv1d layout
 * [outChannels][channels][kernel]; with "structure": "block-circulant" and
 * "blockSize": k, [outChannels/k][channels/k][k][kernel] (W[o][c][t] =
 * w[o/k][c/k][(o - c) mod k][t], as conv2d).
 *
 * Example: { "kind": "conv1d", "name": "c1", "length": 187, "channels": 1,
 *            "outChannels": 4, "kernel": 5, "stride": 2, "padding": "same",
 *            "weights": { "init": "random", "seed": 1 }, "activation": "relu" }
 */
import { z } from 'zod';
import { conv2dSpecSchema, values34 } from '../conv2d/spec.ts';

export const conv1dSpecSchema = conv2dSpecSchema
  .omit({ kind: true, name: true, height: true, width: true, weights: true })
  .extend({
    kind: z.literal('conv1d'),
    name: conv2dSpecSchema.shape.name.removeDefault().default('conv1d'),
    /** samples per input vector */
    length: z.number().int().min(1).max(65536),
    weights: conv2dSpecSchema.shape.weights
      .omit({ values: true })
      .extend({
        /** dense: PyTorch Conv1d layout [outChannels][channels][kernel]; block-circulant: [outChannels/k][channels/k][k][kernel] */
        values: values34.optional(),
      })
      .strict(),
  })
  .strict();

export type Conv1dSpec = z.infer<typeof conv1dSpecSchema>;
