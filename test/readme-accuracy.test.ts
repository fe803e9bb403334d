/**
 * The README's accuracy table says what its figures are (issue 28, item 7):
 * which column is the unquantised network and which is `eval --float` on the
 * shipped quantised weights (and that one reruns to the figure printed), what
 * the .npz files hold (read from the files), that mnist-blockcirc's "pad"
 * pads nothing, and the argmax tie rule, checked against the models; and
 * the overflow column under the flag's meaning (item 8: an output that lost
 * information), on mnist-blockcirc where the old meaning raised it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadAnyFile } from '../src/network/plan.ts';
import { loadDataset } from '../src/train/mnist.ts';
import { floatNet, argmaxOf } from '../src/train/model.ts';
import { floatAccuracy } from '../src/train/train.ts';
import { classOf, datasetVectors } from '../src/train/evaluate.ts';
import { requantize } from '../src/fixed/index.ts';

const README = readFileSync('README.md', 'utf8');
const section = README.slice(README.indexOf('#### Accuracy of the trained networks'), README.indexOf('#### The trained MNIST networks on the iCEBreaker'));
const TRAINED = 'examples/trained';

/** tensor name -> numpy dtype ("<f4", "|i1", ...) of each entry of an .npz */
function npzTypes(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(file)))) {
    const header = new TextDecoder().decode(bytes.subarray(0, 256));
    out[name.replace(/\.npy$/, '')] = /'descr':\s*'([^']+)'/.exec(header)![1];
  }
  return out;
}

describe('the accuracy table of the trained networks', () => {
  it('labels the two float columns apart', () => {
    const header = section.split('\n').find((l) => l.startsWith('| network |'))!;
    expect(header).toContain('| float (as trained) |');
    expect(header).toContain('| `eval --float` |');
    expect(header).toContain('| overflow flag |');
    expect(section).toMatch(/Those weights are not shipped/);
  });

  it('`eval --float` of mnist-tvscm reruns to the figure in the table', () => {
    const row = section.split('\n').find((l) => l.startsWith('| mnist-tvscm '))!.split('|').map((c) => c.trim());
    const col = section.split('\n').find((l) => l.startsWith('| network |'))!.split('|').map((c) => c.trim()).indexOf('`eval --float`');
    const net = loadAnyFile(join(TRAINED, 'mnist-tvscm.json'), { fuse: false });
    const acc = floatAccuracy(floatNet(net), loadDataset('mnist', 'test'), false).accuracy;
    expect(row[col]).toBe(`${(100 * acc).toFixed(2)}%`);
  });

  it('says what the .npz files hold, as they hold it', () => {
    const types: Record<string, string> = {};
    for (const f of readdirSync(TRAINED).filter((n) => n.endsWith('.npz'))) Object.assign(types, npzTypes(join(TRAINED, f)));
    // the dense heads (fc784, fc10, mnist-cnn's fc) and mnist-cnn's conv layers (c1, c2) hold raw integers
    const dense = Object.keys(types).filter((k) => /^(fc\d*|c\d+)\.(weight|bias)$/.test(k));
    const other = Object.keys(types).filter((k) => !dense.includes(k));
    expect(dense.length).toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    for (const k of dense) expect(types[k], k).toBe('|i1');
    for (const k of other) expect(types[k], k).toBe('<f4');
    expect(section).toMatch(/8-bit raw integers \(int8\)/);
    expect(section).toMatch(/float32 reals/);
    expect(section).not.toMatch(/\.npz` of its weights \(8-bit raw integers/);
  });

  it('mnist-blockcirc\'s "pad" pads nothing: 49 blocks in and out', () => {
    const bc = loadAnyFile(join(TRAINED, 'mnist-blockcirc.json')).layers[0].plan as { p: number; q: number };
    expect([bc.q, bc.p]).toEqual([49, 49]);
    expect(README).not.toMatch(/pads its input to 50 blocks/);
    expect(README).toMatch(/784 = 49 x 16, so it\s+has 49 input and 49 output blocks/);
  });

  it('states the tie rule, and the models keep it: the lowest index wins', () => {
    expect(section).toMatch(/When outputs tie for the\s+largest, the lowest index wins/);
    expect(argmaxOf([1, 5, 5, 2])).toBe(1);
    const net = loadAnyFile(join(TRAINED, 'mnist-tvscm.json'));
    const argmax = net.layers[net.layers.length - 1];
    const y = argmax.kind.reference(argmax.plan, [3, 9, 9, 9, 0, 0, 0, 0, 0, 0]).y;
    expect(classOf(net, y)).toBe(1);
  });
  it('mnist-blockcirc: the overflow flag stays clear where its ReLU layer only saturated values it zeroes (first 400 images)', () => {
    const row = section.split('\n').find((l) => l.startsWith('| mnist-blockcirc '))!.split('|').map((c) => c.trim());
    const col = section.split('\n').find((l) => l.startsWith('| network |'))!.split('|').map((c) => c.trim()).indexOf('overflow flag');
    expect(row[col]).toBe('0');
    const net = loadAnyFile(join(TRAINED, 'mnist-blockcirc.json'));
    let saturated = 0;
    let flagged = 0;
    for (const x of datasetVectors(net, loadDataset('mnist', 'test'), 400)) {
      let v = x;
      let sat = false;
      let flag = false;
      for (const l of net.layers) {
        if (l.kind.kind === 'activation') {
          // the old meaning: the ReLU layer's requantiser did not fit some value
          const p = l.plan as { leftShift: number; requant: Parameters<typeof requantize>[1] };
          sat ||= v.some((u) => requantize(u * 2 ** p.leftShift, p.requant).overflow);
        }
        const r = l.kind.reference(l.plan, v);
        flag ||= r.overflow;
        v = r.y;
      }
      if (sat) saturated++;
      if (flag) flagged++;
    }
    expect(saturated).toBe(4);
    expect(flagged).toBe(0);
  });
});
