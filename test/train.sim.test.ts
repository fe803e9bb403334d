/**
 * The trained networks in examples/trained/ through the RTL: the MNIST test
 * images co-simulated in Verilator, value for value against the
 * fixed-point model, cycles as predicted, and the RTL's classes scored
 * against the labels. The full 10,000-image runs are documented commands
 * (README, "Accuracy"); CI runs the first 500 of each (300 of the CNN;
 * the other two trained CNNs in test/train.sim.deep.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadDesign } from '../src/network/design.ts';
import { evaluateFixed } from '../src/train/evaluate.ts';
import { loadMnist } from '../src/train/mnist.ts';
import { trainedThroughRtl } from './trained-rtl.ts';

const root = join(import.meta.dirname, '..');
// per network: the test images run through the RTL, and the least accuracy its fixed-point model reaches on them (measured, then rounded down);
// the CNN takes a new image every 28,936 cycles (latency 40,614), about 20 times mnist-tvscm's 1,578, so it runs 300
const TRAINED: Record<string, { images: number; floor: number }> = {
  'mnist-tvscm': { images: 500, floor: 0.9 },
  'mnist-blockcirc': { images: 500, floor: 0.95 },
  'mnist-cnn': { images: 300, floor: 0.97 },
};

describe('trained networks on MNIST, in the RTL', () => {
  for (const [name, { images, floor }] of Object.entries(TRAINED)) trainedThroughRtl(name, images, floor);
});

describe('circa run --dataset mnist on the simulated device (trained mnist-tvscm behind the framed protocol)', () => {
  it('sends 5 test images, matches the model, scores the device\'s classes', async () => {
    const { startUartSession } = await import('../src/sim/uart.ts');
    const { protoDesign } = await import('../src/network/proto-top.ts');
    const { runCommand } = await import('../src/cli/run-command.ts');
    const { vi } = await import('vitest');
    const spec = join(root, 'examples', 'trained', 'mnist-tvscm.json');
    const design = loadDesign(spec);
    const CLKS = 8;
    const sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: CLKS, timeoutBits: 200 }), { clksPerBit: CLKS });
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    try {
      const transport = { label: sim.label, write: (b: Uint8Array) => sim.write(b), read: (n: number, t: number) => sim.read(n, t), discard: () => sim.discard(), close: async () => undefined };
      const code = await runCommand(spec, undefined, { port: 'sim', baud: 115200, writeReg: [], sync: true, slack: 60_000, json: true, quiet: true, dataset: 'mnist', limit: 5 }, async () => transport);
      spy.mockRestore();
      expect(code, out.join('')).toBe(0);
      const r = JSON.parse(out.join(''));
      expect(r.matched).toBe(5);
      expect(r.dataset.images).toBe(5);
      expect(r.dataset.disagreements).toBe(0);
      const model = evaluateFixed(design.net, loadMnist('test'), 5);
      expect(r.dataset.correct).toBe(model.correct);
    } finally {
      spy.mockRestore();
      await sim.end().catch(() => undefined);
    }
  });
});
