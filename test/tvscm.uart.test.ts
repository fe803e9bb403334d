/**
 * The board path in simulation: vectors go in as UART bits, through the
 * byte gatherer, the TVSCM layer and the serialiser, and come back as UART
 * bits. The bytes must equal the reference model's outputs, encoded.
 */
import { describe, expect, it } from 'vitest';
import { loadLayerFile, loadLayerSpec } from '../src/layers/load.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { simulateUart } from '../src/sim/uart.ts';
import { uartTopFor } from '../src/network/board.ts';
import { templatesForUart, uartDecodeValues, uartEncodeValues, uartEncodeVector, UART_TOP_MODULE } from '../src/network/uart.ts';
import type { LoadedLayer } from '../src/layers/load.ts';

const CLKS_PER_BIT = 8; // the board uses 104 (115200 baud at 12 MHz); the logic is the same

async function roundTrip(layer: LoadedLayer, count: number) {
  const rtl = layer.kind.rtl(layer.plan);
  const design = { sources: [...rtl.sources, ...templatesForUart(), uartTopFor(rtl, CLKS_PER_BIT)], top: UART_TOP_MODULE };
  const shape = layer.kind.shape(layer.plan);
  const vectors = makeVectors(count, shape.inputs, shape.inWidth, 3);
  for (const [k, v] of vectors.entries()) {
    const want = layer.kind.reference(layer.plan, v.x);
    const bytesIn = uartEncodeVector(v.x.map((e) => [e]), 1, shape.inWidth);
    const expectBytes = uartEncodeValues(want.y, shape.outWidth);
    // The host waits for each answer before sending the next vector (the protocol says so).
    const r = await simulateUart(design, bytesIn, expectBytes.length, { clksPerBit: CLKS_PER_BIT });
    const got = uartDecodeValues(r.bytes, shape.outWidth);
    const firstBad = got.findIndex((g, i) => g !== want.y[i]);
    expect(firstBad, `vector ${k} (${v.kind}): output ${firstBad} expected ${want.y[firstBad]}, got ${got[firstBad]}`).toBe(-1);
    expect(r.bytes).toEqual(expectBytes);
    expect(r.frameErr).toBe(false);
    expect(r.ovf).toBe(want.overflow);
    expect(r.busy).toBe(false);
  }
}

describe('TVSCM behind the UART bridge', () => {
  it('n = 16, band r = 2, 4 lanes: 10 vectors byte-exact', async () => {
    const layer = loadLayerSpec({
      kind: 'tvscm', name: 'uart_dut', n: 16, lanes: 4, placement: { type: 'band', radius: 2 },
      weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 },
      output: { format: { int: 3, frac: 8 } }, // 12-bit outputs: two bytes each, sign-extended
    });
    await roundTrip(layer, 10);
  });

  it('the example layer (n = 784): 2 vectors byte-exact', async () => {
    await roundTrip(loadLayerFile('examples/tvscm-784.json'), 2);
  });
});
