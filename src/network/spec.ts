/**
 * A network spec: ordered layers of any kind, joined by streams. Each layer's
 * output must feed the next layer's input: same count, same format.
 *
 *   { "network": "mnist_tvscm", "schedule": "sequential" | "pipelined", "outBeat": 1,
 *     "layers": [ { "kind": "tvscm", ... }, { "kind": "dense", ... }, { "kind": "argmax", ... } ] }
 *
 * Schedules:
 *   sequential  one input at a time: the next input enters after the last
 *               output of the previous one (lowest latency)
 *   pipelined   a new input enters layer 1 while later layers finish the
 *               previous one (higher throughput)
 */
import { z } from 'zod';
import { layerNameSchema } from '../layers/formats.ts';

export const networkSpecSchema = z
  .object({
    network: layerNameSchema('net'),
    description: z.string().optional(),
    schedule: z.enum(['sequential', 'pipelined']).default('sequential'),
    /**
     * elements per beat of the network's output stream (default 1): it must
     * divide the last layer's output lanes, whose beats the last link cuts
     * into the network's. The input beat is the first layer's own ("beat").
     */
    outBeat: z.number().int().min(1).default(1),
    /**
     * A weight file (.npz, .npy, .onnx or .json, relative to the spec file)
     * whose tensors `<layer>.<tensor>` replace the layers' own weights
     * (src/tensors/weights.ts); integer tensors are raw fixed-point values.
     */
    weights: z.string().min(1).optional(),
    layers: z.array(z.record(z.string(), z.unknown())).min(1),
  })
  .strict();

export type NetworkSpec = z.infer<typeof networkSpecSchema>;
export type Schedule = NetworkSpec['schedule'];
