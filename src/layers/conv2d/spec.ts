/**
 * Conv2d spec face: a 2-D convolution over a streamed image,
 * y[oy][ox][o] = act(requant(bias[o] + sum_{ky,kx,c} W[o][c][ky][kx] x[iy][ix][c])),
 * iy = oy*stride - padTop + ky, ix = ox*stride - padLeft + kx, zero outside the
 * image ("padding": "same" pads with zeros, "valid" does not pad).
 *
 * Stream order (every image kind: conv2d, and the layers after it): raster
 * order, pixel by pixel, the channels of a pixel together:
 * element ((iy*width + ix)*channels + c). The input takes `beat` channels of
 * a pixel per beat (default: the whole pixel); the output leaves P = lanes
 * output channels per beat, ceil(outChannels/P) beats per pixel.
 *
 * Example:
 *   {
 *     "kind": "conv2d", "name": "c1", "height": 28, "width": 28, "channels": 1,
 *     "outChannels": 8, "kernel": 5, "stride": 1, "padding": "valid", "lanes": 2,
 *     "input":   { "int": 0, "frac": 7 },
 *     "weights": { "format": { "int": 0, "frac": 7 }, "init": "random", "seed": 1 },
 *     "output":  { "format": { "int": 2, "frac": 5 } },
 *     "activation": "relu"
 *   }
 *
 * Weights: { "init": "random", "seed", "scale" } (scale defaults to
 * 1/sqrt(kernel^2 * channels)), or { "values": PyTorch's Conv2d layout
 * [outChannels][channels][kernel][kernel], "bias": [outChannels] }, reals or
 * raw integers ("raw": true). "bias": false has no bias.
 *
 * "structure": "block-circulant" with "blockSize": k (CirCNN, Ding et al.
 * 2017): at each kernel position the outChannels x channels weight matrix is
 * made of k x k circulant blocks, the convention of the block-circulant
 * fully connected kind (block = circ(first column)):
 *   W[o][c][ky][kx] = w[o/k][c/k][(o - c) mod k][ky][kx]
 * so "values" is [outChannels/k][channels/k][k][kernel][kernel] (the first
 * column of each block at each kernel position); k divides outChannels and
 * channels. The weight memory holds these k values per block and kernel
 * position (rtl.ts).
 */
import { z } from 'zod';
import { OVERFLOWS, ROUNDINGS } from '../../fixed/index.ts';
import { layerNameSchema, qFormatSchema } from '../formats.ts';
import { ACTIVATIONS, DSP_MODES, MEMORIES } from '../dense/spec.ts';

export const PADDINGS = ['valid', 'same'] as const;
export const CONV_STRUCTURES = ['dense', 'block-circulant'] as const;
export type ConvStructure = (typeof CONV_STRUCTURES)[number];

const n3 = z.array(z.array(z.array(z.number())));
/** Weight values: 3 and 4 levels (conv1d), 4 and 5 levels (conv2d); dense or block-circulant layout. */
export const values34 = z.union([n3, z.array(n3)]);
export const values45 = z.union([z.array(n3), z.array(z.array(n3))]);

export const conv2dSpecSchema = z
  .object({
    kind: z.literal('conv2d'),
    name: layerNameSchema('conv2d'),
    /** input image height (rows) */
    height: z.number().int().min(1).max(1024),
    /** input image width (pixels per row) */
    width: z.number().int().min(1).max(1024),
    /** input channels per pixel */
    channels: z.number().int().min(1).max(256),
    /** output channels (filters) */
    outChannels: z.number().int().min(1).max(256),
    /** square kernel size */
    kernel: z.number().int().min(1).max(16),
    /** stride, both axes */
    stride: z.number().int().min(1).max(16).default(1),
    /** valid: no padding; same: zeros around the image so that the output is ceil(size/stride) (PyTorch/TensorFlow split: the extra pad on the bottom/right) */
    padding: z.enum(PADDINGS).default('valid'),
    /** dense: every weight stored; block-circulant: k x k circulant blocks over (outChannels, channels) at each kernel position */
    structure: z.enum(CONV_STRUCTURES).default('dense'),
    /** block-circulant only: k, dividing outChannels and channels */
    blockSize: z.number().int().min(1).max(256).optional(),
    /** whether the layer adds a bias per output channel */
    bias: z.boolean().default(true),
    /** P: output channels computed in parallel (MAC lanes), 1..outChannels */
    lanes: z.number().int().min(1).default(1),
    /** input channels per input beat (dividing channels); default: the whole pixel */
    beat: z.number().int().min(1).optional(),
    input: qFormatSchema.default({ int: 0, frac: 7 }),
    weights: z
      .object({
        format: qFormatSchema.default({ int: 0, frac: 7 }),
        biasFormat: qFormatSchema.optional(),
        init: z.literal('random').optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        scale: z.number().positive().optional(),
        /** dense: PyTorch Conv2d layout [outChannels][channels][kernel][kernel]; block-circulant: [outChannels/k][channels/k][k][kernel][kernel] */
        values: values45.optional(),
        bias: z.array(z.number()).optional(),
        raw: z.boolean().default(false),
      })
      .strict(),
    output: z
      .object({
        format: qFormatSchema.default({ int: 0, frac: 7 }),
        rounding: z.enum(ROUNDINGS as [string, ...string[]]).default('convergent'),
        overflow: z.enum(OVERFLOWS as [string, ...string[]]).default('saturate'),
      })
      .strict()
      .default({ format: { int: 0, frac: 7 }, rounding: 'convergent', overflow: 'saturate' }),
    activation: z.enum(ACTIVATIONS).default('identity'),
    /** where the weights go: auto (ROM, yosys decides), ebr (ROM in block RAM), spram (SB_SPRAM256KA, UltraPlus, loaded at run time through the config port) */
    memory: z.enum(MEMORIES).default('auto'),
    /**
     * multiplies per SB_MAC16: "single" (default) one lane per DSP; "dual8"
     * output-channel lanes 2i and 2i+1 on one DSP in its 8x8 mode
     * (rtl-templates/dsp_dual8.v; input and weight formats of at most 8 bits)
     */
    dsp: z.enum(DSP_MODES).default('single'),
  })
  .strict();

export type Conv2dSpec = z.infer<typeof conv2dSpecSchema>;
