/**
 * The trained networks in examples/trained/ through the RTL: the MNIST test
 * images co-simulated in Verilator, value for value against the
 * fixed-point model, cycles as predicted, and the RTL's classes scored
 * against the labels. The full 10,000-image runs are documented commands
 * (README, "Accuracy"); CI runs the first 500 of each (300 of the CNN).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { loadDesign } from '../src/network/design.ts';
import { cosim } from '../src/sim/cosim.ts';
import { DatasetTally, datasetAccuracy, datasetInputs, datasetSource } from '../src/train/sim-dataset.ts';
import { evaluateFixed } from '../src/train/evaluate.ts';
import { loadMnist } from '../src/train/mnist.ts';

const root = join(import.meta.dirname, '..');
// per network: the test images run through the RTL, and the least accuracy its fixed-point model reaches on them (measured, then rounded down);
// the CNN takes 57,736 cycles an image, so it runs 300
const TRAINED: Record<string, { images: number; floor: number }> = {
  'mnist-tvscm': { images: 500, floor: 0.9 },
  'mnist-blockcirc': { images: 500, floor: 0.95 },
  'mnist-cnn': { images: 300, floor: 0.97 },
};

describe('trained networks on MNIST, in the RTL', () => {
  for (const [name, { images: IMAGES, floor }] of Object.entries(TRAINED)) {
    it(`${name}: ${IMAGES} test images bit-exact, no class disagreement, cycles as predicted`, async () => {
      const spec = join(root, 'examples', 'trained', `${name}.json`);
      expect(existsSync(spec), spec).toBe(true);
      const design = loadDesign(spec);
      // as circa sim --dataset runs it: the images made from the dataset as they are packed, the classes tallied as they come
      const { ds, source } = datasetSource(design.net, 'mnist', IMAGES);
      const tally = new DatasetTally(design.net, ds);
      const report = await cosim(design.dut(), { source, keepOutputs: true, onVector: (k, got, want) => tally.add(k, got, want) });
      expect(report.exact).toBe(IMAGES);
      expect(report.mismatches).toEqual([]);
      expect(report.cycles.match).toBe(true);
      expect(report.overflowGot).toBe(report.overflowExpected);
      const acc = tally.result();
      // the source makes the vectors datasetInputs holds, and the tally is the accuracy of every kept output
      const data = datasetInputs(design.net, 'mnist', IMAGES);
      expect(Array.from(source.stream(), (v) => v.x)).toEqual(data.inputs.map((v) => v.x));
      expect(acc).toEqual(datasetAccuracy(design.net, data, report.outputs!, report.expected));
      expect(acc.disagreements).toBe(0);
      // the RTL's accuracy is the fixed-point model's, image for image
      const model = evaluateFixed(design.net, loadMnist('test'), IMAGES);
      expect(acc.correct).toBe(model.correct);
      expect(acc.confusion).toEqual(model.confusion);
      expect(acc.accuracy).toBeGreaterThanOrEqual(floor);
    });
  }
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
