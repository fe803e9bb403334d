/**
 * mnist-tvscm through the board's UART top (framed protocol), in Verilator:
 * 10 inputs, each answer equal to the composed reference model, and the
 * device's cycle counter equal to the predicted latency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protoDesign } from '../src/network/proto-top.ts';
import { loadDesign } from '../src/network/design.ts';
import { networkReference } from '../src/network/reference.ts';
import { startUartSession, type UartSimSession } from '../src/sim/uart.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { runOnDevice } from '../src/host/run.ts';

const CLKS = 8; // clocks per UART bit in simulation (the board uses 104 at 12 MHz)

describe('mnist-tvscm behind the UART top', () => {
  const design = loadDesign('examples/mnist-tvscm.json');
  const inputs = makeVectors(10, design.net.inputs, design.net.inWidth, 21).map((v) => v.x);
  let sim: UartSimSession;

  beforeAll(async () => {
    sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: CLKS }), { clksPerBit: CLKS });
  });
  afterAll(async () => {
    await sim?.end().catch(() => undefined);
  });

  it('10 inputs bit-exact against the composed reference; cycle counter == predicted latency', async () => {
    const r = await runOnDevice(design, sim, inputs, { status: true });
    expect(r.matched).toBe(10);
    for (const [k, v] of r.vectors.entries()) expect(v.outputs).toEqual(networkReference(design.net, inputs[k]).y);
    expect(r.status!.device.lastCycles).toBe(design.cost().latency);
  });
});
