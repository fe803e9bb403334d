/**
 * examples/mnist-tvscm-real.npz: the shipped mnist-tvscm network's
 * weights as reals (float32; each raw value times 2^-frac of its format, so
 * exact), the file the README's `circa sweep --vary bits=...` example
 * requantises. The float weights from training are not shipped; these are
 * what the shipped quantised network computes with, so 8 bits gives it back.
 * Run: npx tsx scripts/real-weights.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnyFile } from '../src/network/plan.ts';
import { floatNet } from '../src/train/model.ts';
import { encodeNpz, type TensorMap } from '../src/tensors/tensors.ts';

const dir = join(import.meta.dirname, '..', 'examples', 'trained');
const net = floatNet(loadAnyFile(join(dir, 'mnist-tvscm.json'), { fuse: false }));
const out: TensorMap = new Map();
for (const l of net.layers) {
  const name = (l.layer.plan as { name: string }).name;
  for (const info of l.infos) out.set(`${name}.${info.name}`, { shape: info.shape, data: l.params[info.name], integer: false, dtype: 'f4' });
}
writeFileSync(join(dir, '..', 'mnist-tvscm-real.npz'), encodeNpz(out));
console.log(`wrote examples/mnist-tvscm-real.npz: ${[...out.keys()].join(', ')}`);
