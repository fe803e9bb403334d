/**
 * npm run bench: throughput figures, printed (not asserted).
 *   - reference model: outputs per second for the TVSCM n = 784 layers
 *   - co-simulation: vectors per second and simulated cycles per second
 *     (Verilator build excluded: it is built, or taken from the cache, first)
 */
import { loadLayerSpec } from '../src/layers/load.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { cosimLayer } from '../src/network/layer-dut.ts';

const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });

function layer(placement: object, lanes: number) {
  return loadLayerSpec({
    kind: 'tvscm', name: 'bench', n: 784, lanes, placement,
    weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 }, output: { format: { int: 1, frac: 6 } },
  });
}

console.log(`circa bench (node ${process.version}, ${process.platform}/${process.arch})\n`);
console.log('reference model, n = 784');
for (const placement of [{ type: 'band', radius: 1 }, { type: 'band', radius: 8 }, { type: 'complement' }]) {
  const l = layer(placement, 1);
  const vecs = makeVectors(200, 784, 8, 1).map((v) => v.x);
  for (const x of vecs.slice(0, 20)) l.kind.reference(l.plan, x); // warm up
  let outputs = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 1.0) {
    for (const x of vecs) outputs += l.kind.reference(l.plan, x).y.length;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  console.log(`  ${JSON.stringify(placement).padEnd(30)} ${fmt(outputs / elapsed).padStart(12)} outputs/s  (${fmt(outputs / 784 / elapsed)} vectors/s)`);
}

console.log('\nco-simulation (Verilator), n = 784, 1000 vectors, no stalls');
for (const [placement, lanes] of [[{ type: 'band', radius: 1 }, 1], [{ type: 'band', radius: 1 }, 4], [{ type: 'complement' }, 8]] as const) {
  const l = layer(placement, lanes);
  await cosimLayer(l, { vectors: 2 }); // build or fetch from the cache
  const t0 = Date.now();
  const r = await cosimLayer(l, { vectors: 1000 });
  const wall = (Date.now() - t0) / 1000;
  if (r.exact !== 1000) throw new Error('co-simulation mismatch during the benchmark');
  console.log(`  ${`${JSON.stringify(placement)} P=${lanes}`.padEnd(34)} ${fmt(1000 / r.sim.simSeconds).padStart(7)} vectors/s ` +
    `${fmt(r.sim.totalCycles / r.sim.simSeconds).padStart(11)} cycles/s (simulator alone, its CPU time); ` +
    `${fmt(1000 / wall)} vectors/s end to end incl. model, vector files and compare`);
}

// The 64-point 16-bit FFT's accuracy against a float FFT (issue target: >= 70 dB).
const { fftReport, formatFftReport } = await import('../src/fft/report.ts');
console.log('\nFFT SQNR, N = 64, data 16 bits, twiddle 16 bits, uniform random input (target >= 70 dB)');
console.log(formatFftReport(fftReport(64, { dataWidths: [16], twiddleWidths: [16], vectors: 64 })));
