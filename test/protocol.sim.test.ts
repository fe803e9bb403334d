/**
 * The framed UART protocol in Verilator, byte by byte through the UART pins
 * (CLKS_PER_BIT = 8; the board uses 104 at 12 MHz, the logic is the same):
 *
 * - a TVSCM layer: LOAD_INPUT bit-exact, WRITE_REG of a and b, the overflow
 *   flag and its clear, READ_STATUS's cycle counter against the cost model,
 *   and every kind of bad frame (checksum, command, length, address, no
 *   output yet, a frame cut short, a byte lost on the line); WRITE_BLOCK's
 *   in-order writes, its refusals that write nothing, and its bad checksum
 *   answered after the writes;
 * - the mitbih-tvscm network through the host tool's own logic (runOnDevice
 *   and the `circa run` command function), with the simulated device as its
 *   transport, and once through a pseudo-terminal and the real serial
 *   transport (serialport's native binding; the mock binding is in serial.test.ts);
 * - a block-circulant layer whose spectra sit in SPRAM, simulated with an
 *   empty SPRAM like the chip's: runOnDevice loads the words with WRITE_BLOCK
 *   frames (2 frames, not 181), and only then do the answers match; the same
 *   load split into smaller blocks, and as single WRITE_REGs, gives the same
 *   device state;
 * - a network whose dense layer keeps its weights in SPRAM (layer 1: addresses
 *   4 = restart, 5 = next word), simulated with an empty SPRAM: runOnDevice
 *   loads them (WRITE_REG restart, one WRITE_BLOCK) after the TVSCM weights,
 *   and only then do the answers match; a changed word through --write-reg
 *   is computed with by both device and model;
 * - the two vector buffers under random valid/ready stalls.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CMD, ERR, encodeFrame, encodeValues, encodeWriteBlock, encodeWriteReg } from '../src/network/protocol.ts';
import { protoDesign } from '../src/network/proto-top.ts';
import { designFromPlan, loadDesign, type Design } from '../src/network/design.ts';
import { planAny, withRtl } from '../src/network/plan.ts';
import { startUartSession, type UartSimSession } from '../src/sim/uart.ts';
import { simulateStream } from '../src/sim/stream.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { DeviceError, ProtocolClient } from '../src/host/client.ts';
import { runOnDevice } from '../src/host/run.ts';
import type { ByteTransport } from '../src/sim/transport.ts';
import { runCommand, type RunCommandOptions } from '../src/cli/run-command.ts';
import { tvscmReference } from '../src/layers/tvscm/reference.ts';
import type { TvscmPlan } from '../src/layers/tvscm/plan.ts';
import type { BlockCirculantPlan } from '../src/layers/block-circulant/plan.ts';
import { bcircReference } from '../src/layers/block-circulant/reference.ts';
import { bcircLoadWords, bcircRtl } from '../src/layers/block-circulant/rtl.ts';
import type { Cplx } from '../src/layers/circulant-common/spectrum.ts';
import type { DensePlan } from '../src/layers/dense/plan.ts';
import { denseLoadWords, denseRtl } from '../src/layers/dense/rtl.ts';
import { unpackDenseWord } from '../src/layers/dense/registers.ts';
import { template, type SourceFile } from '../src/verilog/index.ts';

/** A small TVSCM layer whose last output beat keeps 2 of its 4 lanes (the same as in protocol.test.ts). */
const TVSCM18 = {
  kind: 'tvscm', name: 'tv18', n: 18, lanes: 4, placement: { type: 'band', radius: 2 },
  input: { int: 0, frac: 7 }, weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 }, output: { format: { int: 1, frac: 6 } },
};
const CLKS = 8;
const TIMEOUT_BITS = 200;                  // the device drops a partial frame after 1600 quiet cycles
const TIMEOUT_CYCLES = CLKS * TIMEOUT_BITS;
const work = mkdtempSync(join(tmpdir(), 'circa-proto-sim-'));

const shapeOf = (d: Design) => ({ inputs: d.net.inputs, inWidth: d.net.inWidth, outputs: d.net.outputs, outWidth: d.net.outWidth });

async function expectDeviceError(p: Promise<unknown>, code: number): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(DeviceError);
  expect((e as DeviceError).code).toBe(code);
}

/** A transport that passes everything on and records the command byte of every frame sent (the client writes a frame at a time). */
function counting(t: ByteTransport): ByteTransport & { sent: number[] } {
  const sent: number[] = [];
  return {
    sent,
    label: t.label,
    write: (b) => { sent.push(b[0]); return t.write(b); },
    read: (n, ms) => t.read(n, ms),
    discard: () => t.discard(),
    close: () => t.close(),
  };
}

/** A transport that leaves the session running when the user of it closes it. */
function borrowed(s: UartSimSession): ByteTransport {
  return {
    label: s.label,
    write: (b) => s.write(b),
    read: (n, t) => s.read(n, t),
    discard: () => s.discard(),
    close: async () => undefined,
  };
}

describe('TVSCM layer (n = 18, P = 4, band r = 2) behind the framed protocol', () => {
  const design = designFromPlan(planAny(TVSCM18), false);
  const plan = design.net.layers[0].plan as TvscmPlan;
  let sim: UartSimSession;
  let dev: ProtocolClient;
  const vectors = makeVectors(10, 18, 8, 7);

  beforeAll(async () => {
    sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: CLKS, timeoutBits: TIMEOUT_BITS }), { clksPerBit: CLKS });
    dev = new ProtocolClient(sim, shapeOf(design));
  });
  afterAll(async () => {
    await sim?.end().catch(() => undefined);
  });

  it('READ_OUTPUT before any inference: error "no output yet"', async () => {
    await expectDeviceError(dev.readOutput(), ERR.NO_OUTPUT);
    expect((await dev.readStatus()).haveOutput).toBe(false);
  });

  it('10 vectors by LOAD_INPUT, bit-exact; the cycle counter reads the predicted latency', async () => {
    let ovf = false;
    for (const [k, v] of vectors.entries()) {
      const want = tvscmReference(plan, v.x);
      ovf ||= want.overflow;
      expect(await dev.loadInput(v.x), `vector ${k} (${v.kind})`).toEqual(want.y);
    }
    const st = await dev.readStatus();
    expect(st.lastCycles).toBe(design.cost().latency);
    expect(design.cost().latency).toBe(18 + 5 + 2 + 5);   // n + ceil(n/P) + 2*ceil(r/P) + 5
    expect(st).toMatchObject({ inferences: 10, haveOutput: true, ovf, checksumErrors: 0, frameErrors: 0, lineError: false, version: 2, busy: false });
    // READ_OUTPUT sends the last answer again
    expect(await dev.readOutput()).toEqual(tvscmReference(plan, vectors[9].x).y);
  });

  it('WRITE_REG a and b: the outputs follow the reference with the new weights', async () => {
    await dev.writeReg(0, -17);
    await dev.writeReg(1, 23);
    for (const [k, v] of vectors.entries()) {
      expect(await dev.loadInput(v.x), `vector ${k} (${v.kind})`).toEqual(tvscmReference(plan, v.x, -17, 23).y);
    }
    expect((await dev.readStatus()).lastCycles).toBe(design.cost().latency);
    // a value wider than the weight: the layer takes its low 8 bits (0x1ff -> -1)
    await dev.writeReg(0, 0x1ff);
    expect(await dev.loadInput(vectors[9].x)).toEqual(tvscmReference(plan, vectors[9].x, -1, 23).y);
  });

  it('the overflow flag rises with the reference model and register 2 clears it', async () => {
    await dev.writeReg(0, 127);
    await dev.writeReg(1, 127);
    await dev.writeReg(2, 0);
    expect((await dev.readStatus()).ovf).toBe(false);
    const x = new Array(18).fill(127);
    const want = tvscmReference(plan, x, 127, 127);
    expect(want.overflow).toBe(true);
    expect(await dev.loadInput(x)).toEqual(want.y);
    expect((await dev.readStatus()).ovf).toBe(true);
    await dev.writeReg(2, 0);
    expect((await dev.readStatus()).ovf).toBe(false);
    // back to the spec's weights for the tests below
    await dev.writeReg(0, plan.a);
    await dev.writeReg(1, plan.b);
  });

  it('a bad checksum is answered with an error and changes nothing', async () => {
    const before = await dev.readStatus();
    const last = await dev.readOutput();
    const frame = encodeFrame(CMD.LOAD_INPUT, encodeValues(vectors[3].x, 8));
    frame[frame.length - 1] ^= 0x01;
    await sim.write(frame);
    // ERROR 0xFF, length 2, [bad checksum, LOAD_INPUT], checksum
    const answer = Array.from(await sim.read(6, 60_000));
    expect(answer).toEqual(Array.from(encodeFrame(0xff, [ERR.BAD_CHECKSUM, CMD.LOAD_INPUT])));
    const after = await dev.readStatus();
    expect(after).toEqual({ ...before, checksumErrors: before.checksumErrors + 1 });
    expect(await dev.readOutput()).toEqual(last);
    // the input buffer saw the rejected payload; the next good frame is not disturbed by it
    expect(await dev.loadInput(vectors[4].x)).toEqual(tvscmReference(plan, vectors[4].x).y);
  });

  it('unknown command, bad length, bad address: error answers, counted as frame errors', async () => {
    const before = await dev.readStatus();
    await expectDeviceError(dev.request(0x42), ERR.UNKNOWN_COMMAND);
    await expectDeviceError(dev.request(CMD.LOAD_INPUT, new Array(17).fill(0)), ERR.BAD_LENGTH);
    await expectDeviceError(dev.request(CMD.READ_STATUS, [0]), ERR.BAD_LENGTH);
    await expectDeviceError(dev.request(CMD.WRITE_REG, [1, 2, 3]), ERR.BAD_LENGTH);
    await expectDeviceError(dev.request(CMD.WRITE_REG, encodeWriteReg(4, 1)), ERR.BAD_ADDRESS);   // the layer's port has 2 address bits
    const after = await dev.readStatus();
    expect(after.frameErrors).toBe(before.frameErrors + 4);   // a refused address is not a frame error
    expect(after.checksumErrors).toBe(before.checksumErrors);
    expect(after.inferences).toBe(before.inferences);
    expect(await dev.readOutput()).toEqual(tvscmReference(plan, vectors[4].x).y);
  });

  it('WRITE_BLOCK: its values go to one address in order; a bad length or address writes nothing; a bad checksum is answered after the writes', async () => {
    const x = vectors[7].x;
    const ref = (a: number, b: number) => tvscmReference(plan, x, a, b).y;
    const before = await dev.readStatus();
    // a = 5, 99, then -17: the last one stays; b by a block of one value
    expect(await dev.writeBlock(0, [5, 99, -17])).toBe(1);
    expect(await dev.writeBlock(1, [23])).toBe(1);
    expect(await dev.loadInput(x)).toEqual(ref(-17, 23));
    expect(ref(-17, 23)).not.toEqual(ref(plan.a, plan.b));
    expect(ref(100, 23)).not.toEqual(ref(-17, 23));   // so a write of a = 100 below would show
    // lengths that are not 2 + 4K, K >= 1: each would write a = 100 at address 0 if the device took it
    const good = encodeWriteBlock(0, [100, 100]);
    for (const p of [[], good.slice(0, 2), good.slice(0, 5), good.slice(0, 7), good.slice(0, 9), [...good, 100]]) {
      await expectDeviceError(dev.request(CMD.WRITE_BLOCK, p), ERR.BAD_LENGTH);
    }
    // addresses outside the 2-bit port: 4 and 0xff00 (their low bits are a's address)
    await expectDeviceError(dev.request(CMD.WRITE_BLOCK, encodeWriteBlock(4, [100])), ERR.BAD_ADDRESS);
    await expectDeviceError(dev.request(CMD.WRITE_BLOCK, encodeWriteBlock(0xff00, [100, 100])), ERR.BAD_ADDRESS);
    expect(await dev.loadInput(x)).toEqual(ref(-17, 23));
    // a bad checksum on a bad address: nothing was written either
    const badAddr = encodeFrame(CMD.WRITE_BLOCK, encodeWriteBlock(4, [100]));
    badAddr[badAddr.length - 1] ^= 0x01;
    await sim.write(badAddr);
    expect(Array.from(await sim.read(6, 60_000))).toEqual(Array.from(encodeFrame(0xff, [ERR.BAD_CHECKSUM, CMD.WRITE_BLOCK])));
    expect(await dev.loadInput(x)).toEqual(ref(-17, 23));
    // a bad checksum on a good frame: the error answer comes after the writes were applied (the exception)
    const frame = encodeFrame(CMD.WRITE_BLOCK, encodeWriteBlock(0, [7, 100]));
    frame[frame.length - 1] ^= 0x01;
    await sim.write(frame);
    expect(Array.from(await sim.read(6, 60_000))).toEqual(Array.from(encodeFrame(0xff, [ERR.BAD_CHECKSUM, CMD.WRITE_BLOCK])));
    expect(await dev.loadInput(x)).toEqual(ref(100, 23));
    const after = await dev.readStatus();
    expect(after.frameErrors).toBe(before.frameErrors + 6);       // the bad lengths; refused addresses are not frame errors
    expect(after.checksumErrors).toBe(before.checksumErrors + 2);
    expect(after.inferences).toBe(before.inferences + 4);
    expect(after.version).toBe(2);
    // back to the spec's weights, overflow cleared, for the tests below
    await dev.writeBlock(0, [plan.a]);
    await dev.writeReg(1, plan.b);
    await dev.writeReg(2, 0);
    expect(await dev.loadInput(x)).toEqual(ref(plan.a, plan.b));
  });

  it('a frame cut short is dropped after the inter-byte timeout; the next frame works', async () => {
    const before = await dev.readStatus();
    const frame = encodeFrame(CMD.LOAD_INPUT, encodeValues(vectors[5].x, 8));
    await sim.write(frame.subarray(0, 7));
    await sim.quiet();
    expect(sim.pending).toBe(0);                      // no answer to half a frame
    await sim.advance(TIMEOUT_CYCLES + 10);
    const after = await dev.readStatus();
    expect(after.frameErrors).toBe(before.frameErrors + 1);
    expect(after.inferences).toBe(before.inferences);
    expect(await dev.loadInput(vectors[5].x)).toEqual(tvscmReference(plan, vectors[5].x).y);
  });

  it('a byte lost on the line (low stop bit) inside a frame: counted, the timeout resynchronises', async () => {
    const before = await dev.readStatus();
    const frame = encodeFrame(CMD.LOAD_INPUT, encodeValues(vectors[6].x, 8));
    await sim.write(frame.subarray(0, 10));
    await sim.writeBadStopBit(frame[10]);             // dropped by the receiver
    await sim.write(frame.subarray(11));
    await sim.quiet();
    expect(sim.pending).toBe(0);                      // the device still waits for one byte
    await sim.advance(TIMEOUT_CYCLES + 10);
    const after = await dev.readStatus();
    expect(after.frameErrors).toBe(before.frameErrors + 2);   // the lost byte and the timeout
    expect(after.lineError).toBe(true);
    expect(await dev.loadInput(vectors[6].x)).toEqual(tvscmReference(plan, vectors[6].x).y);
    const end = await sim.end();
    expect(end.frameErr).toBe(true);
    expect(sim.txFrameErrors).toBe(0);
  });
});

describe('mitbih-tvscm network through the host tool, on the simulated device', () => {
  const design = loadDesign('examples/mitbih-tvscm.json');
  const plan0 = design.net.layers[0].plan as TvscmPlan;
  const inputs = makeVectors(10, design.net.inputs, design.net.inWidth, 11).map((v) => v.x);
  let sim: UartSimSession;

  /** the network's reference with TVSCM weights a, b, composed here without the host model */
  const reference = (x: readonly number[], a: number, b: number) => {
    const [, fc, arg] = design.net.layers;
    const h = tvscmReference(plan0, x, a, b).y;
    return arg.kind.reference(arg.plan, fc.kind.reference(fc.plan, h).y).y;
  };

  beforeAll(async () => {
    sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: CLKS, timeoutBits: TIMEOUT_BITS }), { clksPerBit: CLKS });
  });
  afterAll(async () => {
    await sim?.end().catch(() => undefined);
  });

  it('10 inputs bit-exact, classes reported, cycle counter = predicted latency', async () => {
    const r = await runOnDevice(design, sim, inputs, { status: true });
    expect(r.matched).toBe(10);
    expect(r.pass).toBe(true);
    for (const [k, v] of r.vectors.entries()) {
      expect(v.outputs).toEqual(reference(inputs[k], plan0.a, plan0.b));
      expect(v.class).toEqual({ got: v.outputs[0], expected: v.outputs[0] });
    }
    expect(r.status!.device.lastCycles).toBe(design.cost().latency);
    expect(r.status!.cyclesMatch).toBe(true);
    // the sync writes: a, b and the overflow clear of layer 0 (addresses 0..2), summed up
    expect(r.sync).toEqual([{
      layer: 0, name: 'tvscm187', kind: 'tvscm', writes: 3, frames: 3, addresses: [0, 2], summary: 'set a and b to the spec\'s weights and cleared the overflow flag',
    }]);
    expect(r.registers).toEqual([]);
  });

  it('WRITE_REG of the TVSCM weights: every output matches the reference with the new a, b', async () => {
    const r = await runOnDevice(design, sim, inputs, { writeRegs: [{ address: 0, value: -90 }, { address: 1, value: 3 }], status: true });
    expect(r.pass).toBe(true);
    expect(r.registers.map((w) => w.effect)).toEqual([
      'layer 0 tvscm187: a = -90 (-0.703125 in Q0.7 (8 bits))', 'layer 0 tvscm187: b = 3 (0.0234375 in Q0.7 (8 bits))',
    ]);
    for (const [k, v] of r.vectors.entries()) expect(v.outputs).toEqual(reference(inputs[k], -90, 3));
    // the weights do change the answers
    expect(r.vectors.some((v, k) => v.outputs.join() !== reference(inputs[k], plan0.a, plan0.b).join())).toBe(true);
    expect(r.status!.device.lastCycles).toBe(design.cost().latency);
  });

  it('the `circa run` command: JSON report, exit 0; a device whose weights differ from the model fails with exit 1', async () => {
    const inputsPath = join(work, 'inputs.json');
    writeFileSync(inputsPath, JSON.stringify(inputs.slice(0, 4)));
    const opts: RunCommandOptions = { port: 'sim', baud: 115200, writeReg: [], sync: true, slack: 60_000, json: true, quiet: true, status: true };
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    try {
      expect(await runCommand('examples/mitbih-tvscm.json', inputsPath, opts, async () => borrowed(sim))).toBe(0);
      const report = JSON.parse(out.join(''));
      expect(report).toMatchObject({ design: 'mitbih_tvscm', matched: 4, pass: true, transport: 'simulated circa_proto_top' });
      expect(report.status.device.lastCycles).toBe(design.cost().latency);
      // the device's weights changed behind the model's back, and --no-sync keeps them
      await new ProtocolClient(sim, shapeOf(design)).writeReg(0, -128);
      out.length = 0;
      expect(await runCommand('examples/mitbih-tvscm.json', inputsPath, { ...opts, sync: false, json: false }, async () => borrowed(sim))).toBe(1);
      expect(out.join('')).toMatch(/MISMATCH[\s\S]*FAIL/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('block-circulant layer in SPRAM (48 -> 40, k = 8, 2 MACs): circa run loads the spectra into an empty SPRAM', () => {
  const BC = {
    kind: 'block-circulant', name: 'bc_load', inputs: 48, outputs: 40, blockSize: 8, macs: 2, memory: 'spram',
    weights: { init: 'random', seed: 9 }, output: { format: { int: 2, frac: 5 } },
  };
  const spec = designFromPlan(planAny(BC), false);
  const plan = spec.net.layers[0].plan as BlockCirculantPlan;
  // The device as on the chip: the simulated SPRAM starts empty (no preload).
  // Only rtl() differs; the model and the cost come from the same plan.
  const design: Design = { ...spec, rtl: () => bcircRtl(plan, { preload: false }) };
  const words = bcircLoadWords(plan);
  const inputs = makeVectors(12, plan.inputs, plan.xWidth, 21).map((v) => v.x);   // 8 corner cases, 4 random
  let sim: UartSimSession;

  beforeAll(async () => {
    expect(design.rtl().sources.find((f) => f.name === 'bc_load_wmem.v')!.text).not.toContain('initial begin');
    sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: CLKS, timeoutBits: TIMEOUT_BITS }), { clksPerBit: CLKS });
  });
  afterAll(async () => {
    await sim?.end().catch(() => undefined);
  });

  it('without the load (syncRegisters false) no answer matches: the SPRAM is empty', async () => {
    const r = await runOnDevice(design, sim, inputs.slice(0, 3), { syncRegisters: false, status: true });
    expect(r.sync).toEqual([]);
    expect(r.syncSkipped).toBe(true);
    expect(r.matched).toBe(0);
    expect(r.pass).toBe(false);
  });

  it('runOnDevice loads the 180 words (181 writes in 2 frames: WRITE_REG restart, one WRITE_BLOCK), then every vector matches and cycles = predicted', async () => {
    const msgs: string[] = [];
    const t = counting(sim);
    const r = await runOnDevice(design, t, inputs, { status: true, onProgress: (m) => msgs.push(m) });
    expect(r.sync).toEqual([{
      layer: 0, name: 'bc_load', kind: 'block-circulant', writes: 1 + words.length, frames: 2, addresses: [0, 1], summary: 'loaded the spectra into SPRAM (180 words of 16 bits)',
    }]);
    // ceil(180 / 16383) = 1 WRITE_BLOCK after the restart, where one WRITE_REG per word took 181 frames
    expect(t.sent).toEqual([CMD.WRITE_REG, CMD.WRITE_BLOCK, ...inputs.map(() => CMD.LOAD_INPUT), CMD.READ_STATUS]);
    const loading = msgs.filter((m) => m.startsWith('loading the spectra'));
    expect(loading[0]).toBe('loading the spectra of layer 0 (bc_load): 0/181 writes');
    expect(loading[loading.length - 1]).toBe('loading the spectra of layer 0 (bc_load): 181/181 writes');
    expect(loading.length).toBeLessThan(20);   // not one per write
    expect(r.matched).toBe(inputs.length);
    for (const [k, v] of r.vectors.entries()) expect(v.outputs).toEqual(bcircReference(plan, inputs[k]).y);
    expect(r.status!.device.lastCycles).toBe(design.cost().latency);
    expect(r.status!.cyclesMatch).toBe(true);
    expect(r.pass).toBe(true);
  });

  it('the same state from smaller blocks (64 values: 4 frames) and from 181 single WRITE_REGs (--write-reg stays WRITE_REG)', async () => {
    const client = new ProtocolClient(sim, shapeOf(design));
    const scramble = async () => {
      await client.writeReg(0, 0);
      await client.writeBlock(1, words.map((w) => w ^ 0x0505));
      const got: number[][] = [];
      for (const x of inputs) got.push(await client.loadInput(x));
      expect(got.filter((y, k) => y.join() !== bcircReference(plan, inputs[k]).y.join()).length).toBeGreaterThan(0);
    };
    await scramble();
    const tb = counting(sim);
    const rb = await runOnDevice(design, tb, inputs, { status: true, blockValues: 64 });
    expect(tb.sent.slice(0, 4)).toEqual([CMD.WRITE_REG, CMD.WRITE_BLOCK, CMD.WRITE_BLOCK, CMD.WRITE_BLOCK]);   // 64 + 64 + 52 words
    expect(tb.sent.slice(4).every((c) => c !== CMD.WRITE_BLOCK && c !== CMD.WRITE_REG)).toBe(true);
    expect(rb.sync[0]).toMatchObject({ writes: 181, frames: 4 });
    expect(rb.pass).toBe(true);
    expect(rb.status!.device.lastCycles).toBe(design.cost().latency);
    await scramble();
    const ts = counting(sim);
    const writeRegs = [{ address: 0, value: 0 }, ...words.map((value) => ({ address: 1, value }))];
    const rs = await runOnDevice(design, ts, inputs, { syncRegisters: false, writeRegs, status: true });
    expect(ts.sent.filter((c) => c === CMD.WRITE_REG)).toHaveLength(181);
    expect(ts.sent).not.toContain(CMD.WRITE_BLOCK);
    expect(rs.pass).toBe(true);
    expect(rs.vectors.map((v) => v.outputs)).toEqual(rb.vectors.map((v) => v.outputs));
    for (const [k, v] of rs.vectors.entries()) expect(v.outputs).toEqual(bcircReference(plan, inputs[k]).y);
    expect(rs.status!.device.lastCycles).toBe(design.cost().latency);
  });

  it('a WRITE_BLOCK with a bad checksum is answered with the error after its writes: the device computes with them', async () => {
    const client = new ProtocolClient(sim, shapeOf(design));
    await client.writeReg(0, 0);
    // the spec's first 97 words, then word 97 = group 1, lane 1, address 37: H[3][1][1] = 100 - 37i
    const w = plan.hWidth;
    const changed = Number(BigInt.asUintN(w, -37n) << BigInt(w) | 100n);
    const frame = encodeFrame(CMD.WRITE_BLOCK, encodeWriteBlock(1, [...words.slice(0, 97), changed]));
    frame[frame.length - 1] ^= 0x80;
    await sim.write(frame);
    expect(Array.from(await sim.read(6, 60_000))).toEqual(Array.from(encodeFrame(0xff, [ERR.BAD_CHECKSUM, CMD.WRITE_BLOCK])));
    const H = plan.H.map((row) => row.map((sp) => sp.map((c) => [...c] as Cplx)));
    H[3][1][1] = [100, -37];
    const got: number[][] = [];
    for (const x of inputs) got.push(await client.loadInput(x));
    for (const [k, y] of got.entries()) expect(y).toEqual(bcircReference({ ...plan, H }, inputs[k]).y);
    expect(got.filter((y, k) => y.join() !== bcircReference(plan, inputs[k]).y.join()).length).toBeGreaterThanOrEqual(3);
    // through the client: the error says the load must be redone
    await client.writeReg(0, 0);
    const corrupting: ByteTransport = {
      ...borrowed(sim),
      write: (b) => {
        const c = Uint8Array.from(b);
        if (c[0] === CMD.WRITE_BLOCK) c[c.length - 1] ^= 0x01;
        return sim.write(c);
      },
    };
    const e = await new ProtocolClient(corrupting, shapeOf(design)).writeBlock(1, words).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DeviceError);
    expect((e as DeviceError).code).toBe(ERR.BAD_CHECKSUM);
    expect((e as Error).message).toMatch(/bad checksum, answered after the frame's writes were applied as they arrived \(values 0\.\.179 of 180 to address 1\).*redo the whole load/);
    // and they were: the device holds the spec's words again
    for (const x of inputs.slice(0, 4)) expect(await client.loadInput(x)).toEqual(bcircReference(plan, x).y);
  });

  it('--write-reg of a word that is not the spec\'s: device and model both compute with the decoded spectrum', async () => {
    // restart, the spec's first 97 words, then word 97 = group 1, lane 1, address 37: H[3][1][1]
    const w = plan.hWidth;
    const changed = Number(BigInt.asUintN(w, -37n) << BigInt(w) | 100n);
    const writeRegs = [{ address: 0, value: 0 }, ...words.slice(0, 97).map((value) => ({ address: 1, value })), { address: 1, value: changed }];
    const r = await runOnDevice(design, sim, inputs, { syncRegisters: false, writeRegs, status: true });
    expect(r.registers[r.registers.length - 1].effect).toBe('layer 0 bc_load: word 97: lane 1 address 37: H[3][1][1] = 100 - 37i (not the spec\'s)');
    expect(r.pass).toBe(true);
    const H = plan.H.map((row) => row.map((sp) => sp.map((c) => [...c] as Cplx)));
    H[3][1][1] = [100, -37];
    for (const [k, v] of r.vectors.entries()) expect(v.outputs).toEqual(bcircReference({ ...plan, H }, inputs[k]).y);
    // the word does change the answers (of the random vectors: the corner cases have X_1[1] = 0)
    expect(r.vectors.filter((v, k) => v.outputs.join() !== bcircReference(plan, inputs[k]).y.join()).length).toBeGreaterThanOrEqual(3);
  });

  it('the `circa run` command: the load is one line of the report, exit 0 (the sync restores the changed word)', async () => {
    const specPath = join(work, 'bc_load.json');
    const inputsPath = join(work, 'bc-inputs.json');
    writeFileSync(specPath, JSON.stringify(BC));
    writeFileSync(inputsPath, JSON.stringify(inputs.slice(0, 3)));
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    try {
      const opts: RunCommandOptions = { port: 'sim', baud: 115200, writeReg: [], sync: true, slack: 60_000, quiet: true, status: true };
      expect(await runCommand(specPath, inputsPath, opts, async () => borrowed(sim))).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const text = out.join('');
    expect(text).toContain('sync: layer 0 bc_load: 181 write(s) in 2 frame(s) loaded the spectra into SPRAM (180 words of 16 bits)');
    expect(text).not.toMatch(/write-reg|word \d/);
    expect(text).toContain('3/3 vectors match the reference model');
    expect(text).toContain(`last one ${design.cost().latency} cycles (predicted ${design.cost().latency})`);
  });
});

describe('network with a dense layer in SPRAM (TVSCM 20 -> dense 20 -> 5, P = 2): circa run loads the weights into an empty SPRAM', () => {
  const NET = {
    network: 'tv_fc', schedule: 'sequential',
    layers: [
      { kind: 'tvscm', name: 'tv20', n: 20, placement: { type: 'band', radius: 1 }, input: { int: 0, frac: 7 },
        weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 }, output: { format: { int: 0, frac: 7 } } },
      { kind: 'dense', name: 'fc_load', inputs: 20, outputs: 5, lanes: 2, memory: 'spram',
        weights: { init: 'random', seed: 3, scale: 0.5 }, output: { format: { int: 1, frac: 6 } } },
    ],
  };
  const planned = planAny(NET);
  const plan = planned.layers[1].plan as DensePlan;
  // The device as on the chip: the dense layer's simulated SPRAM starts empty (no preload).
  const net = { ...planned, layers: [planned.layers[0], withRtl(planned.layers[1], denseRtl(plan, { preload: false }))] };
  const design = designFromPlan(net, true);
  const words = denseLoadWords(plan);
  const inputs = makeVectors(10, 20, 8, 23).map((v) => v.x);
  const model = designFromPlan(planned, true);
  let sim: UartSimSession;

  beforeAll(async () => {
    expect(design.rtl().sources.find((f) => f.name === 'fc_load_wrom.v')!.text).not.toContain('initial begin');
    sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: CLKS, timeoutBits: TIMEOUT_BITS }), { clksPerBit: CLKS });
  });
  afterAll(async () => {
    await sim?.end().catch(() => undefined);
  });

  it('without the load no answer matches: the SPRAM is empty', async () => {
    const r = await runOnDevice(design, sim, inputs.slice(0, 3), { syncRegisters: false, status: true });
    expect(r.syncSkipped).toBe(true);
    expect(r.matched).toBe(0);
    expect(r.pass).toBe(false);
  });

  it('runOnDevice writes the TVSCM weights, then loads the 60 words at 4 and 5 (2 frames); every vector matches, cycles = predicted', async () => {
    const t = counting(sim);
    const r = await runOnDevice(design, t, inputs, { status: true });
    expect(r.sync.map((s) => [s.layer, s.kind, s.writes])).toEqual([[0, 'tvscm', 3], [1, 'dense', 61]]);
    expect(r.sync[1]).toMatchObject({ name: 'fc_load', frames: 2, addresses: [4, 5], summary: 'loaded the weights into SPRAM (60 words of 16 bits)' });
    expect(t.sent.filter((c) => c === CMD.WRITE_BLOCK)).toHaveLength(1);
    expect(r.matched).toBe(inputs.length);
    for (const [k, v] of r.vectors.entries()) expect(v.outputs).toEqual(model.net.layers.reduce((x, l) => l.kind.reference(l.plan, x).y, inputs[k]));
    expect(r.status!.device.lastCycles).toBe(design.cost().latency);
    expect(r.status!.cyclesMatch).toBe(true);
    expect(r.pass).toBe(true);
  });

  it('--write-reg of a word that is not the spec\'s (word 27: W[2][7]): device and model both compute with it', async () => {
    const hi = unpackDenseWord(plan, words[27])[1];
    const changed = ((hi & 0xff) << 8) | (-100 & 0xff);
    const writeRegs = [{ address: 4, value: 0 }, ...words.slice(0, 27).map((value) => ({ address: 5, value })), { address: 5, value: changed }];
    const r = await runOnDevice(design, sim, inputs, { syncRegisters: false, writeRegs, status: true });
    expect(r.registers[r.registers.length - 1].effect).toBe(`layer 1 fc_load: word 27: W[2][7] = -100, W[3][7] = ${hi} (not the spec's)`);
    expect(r.pass).toBe(true);
    const w = plan.w.map((row) => [...row]);
    w[2][7] = -100;
    const changedNet = [planned.layers[0], { ...planned.layers[1], plan: { ...plan, w } }];
    for (const [k, v] of r.vectors.entries()) expect(v.outputs).toEqual(changedNet.reduce((x, l) => l.kind.reference(l.plan, x).y, inputs[k]));
    expect(r.vectors.filter((v, k) => v.outputs.join() !== model.net.layers.reduce((x, l) => l.kind.reference(l.plan, x).y, inputs[k]).join()).length).toBeGreaterThanOrEqual(2);
  });
});

// python3 is installed by scripts/setup.sh: no python3 is a failure, not a skip
describe('circa run over a pseudo-terminal (the real serial transport: serialport\'s native binding; needs python3 for the pty)', () => {
  // A pty pair: the host tool opens the slave as its serial port; this bridge
  // copies bytes between the master and the test, which plays them into the
  // simulated device and back.
  const BRIDGE = `
import os, sys, select
m, s = os.openpty()
sys.stdout.write(os.ttyname(s) + "\\n"); sys.stdout.flush()
out = sys.stdout.buffer
fin = sys.stdin.buffer.raw
while True:
    r, _, _ = select.select([m, fin], [], [])
    if m in r:
        try:
            d = os.read(m, 4096)
        except OSError:
            d = b""
        if d:
            out.write(d); out.flush()
    if fin in r:
        d = os.read(fin.fileno(), 4096)
        if not d:
            break
        os.write(m, d)
`;
  let bridge: ChildProcessWithoutNullStreams;
  let sim: UartSimSession;
  let ptyPath = '';

  beforeAll(async () => {
    const design = loadDesign('examples/mitbih-tvscm.json');
    sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: CLKS, timeoutBits: TIMEOUT_BITS }), { clksPerBit: CLKS });
    bridge = spawn('python3', ['-c', BRIDGE], { stdio: ['pipe', 'pipe', 'pipe'] });
    // the first line is the slave's path; every byte after it is the host's, for the device
    ptyPath = await new Promise<string>((resolve, reject) => {
      bridge.once('error', reject);
      let head = Buffer.alloc(0);
      const onHead = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const nl = head.indexOf(0x0a);
        if (nl < 0) return;
        bridge.stdout.off('data', onHead);
        const rest = head.subarray(nl + 1);
        if (rest.length) void sim.write(rest);
        bridge.stdout.on('data', (chunk: Buffer) => void sim.write(chunk));
        resolve(head.subarray(0, nl).toString('utf8'));
      };
      bridge.stdout.on('data', onHead);
    });
    sim.onData = (bytes) => bridge.stdin.write(bytes);
  });
  afterAll(async () => {
    bridge?.stdin.end();
    bridge?.kill();
    await sim?.end().catch(() => undefined);
  });

  it('runs 3 vectors and the status, exit 0', async () => {
    expect(ptyPath).toMatch(/^\/dev\/pts\//);
    const design = loadDesign('examples/mitbih-tvscm.json');
    const inputsPath = join(work, 'pty-inputs.json');
    // reals, quantised to Q0.7 on the way
    writeFileSync(inputsPath, JSON.stringify([0, 1, 2].map((k) => Array.from({ length: 187 }, (_, i) => Math.sin(i * 0.1 + k)))));
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    let code: number;
    try {
      code = await runCommand('examples/mitbih-tvscm.json', inputsPath, {
        port: ptyPath, baud: 115200, writeReg: [{ address: 1, value: 5 }], sync: true, slack: 60_000, status: true, real: true, quiet: true,
      });
    } finally {
      spy.mockRestore();
    }
    const text = out.join('');
    expect(text).toContain(`device: serial ${ptyPath} at 115200 baud`);
    expect(text).toContain('write-reg 1 = 5: layer 0 tvscm187: b = 5');
    expect(text).toMatch(/vector 2: class \d+ \(score -?\d+\), reference class \d+: match/);
    expect(text).toContain('3/3 vectors match the reference model');
    expect(text).toContain(`last one ${design.cost().latency} cycles (predicted ${design.cost().latency})`);
    expect(code).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// The vector buffers under random stalls (stream harness)
// ---------------------------------------------------------------------------

/**
 * proto_in_buf alone: 12 payload bytes (3 beats of 2 lanes of 12 bits, 2
 * bytes per element) are written, then replayed to the harness, whose ready
 * is random; the next vector's bytes are taken once the replay is out.
 */
const IN_LOOP: SourceFile = {
  name: 'test_in_buf_loop.v',
  text: `module test_in_buf_loop (
  input  wire        clk,
  input  wire        rst,
  input  wire        s_valid,
  output wire        s_ready,
  input  wire [7:0]  s_data,
  input  wire        s_last,
  output wire        m_valid,
  input  wire        m_ready,
  output wire [23:0] m_data,
  output wire [1:0]  m_keep,
  output wire        m_last,
  output wire        ovf
);
  reg       replaying, start;
  reg [3:0] nbytes;
  assign s_ready = !replaying;
  wire wr = s_valid && s_ready;
  always @(posedge clk) begin
    if (rst) begin
      replaying <= 1'b0; start <= 1'b0; nbytes <= 4'd0;
    end else begin
      start <= 1'b0;
      if (wr) nbytes <= (nbytes == 4'd11) ? 4'd0 : nbytes + 4'd1;
      if (wr && nbytes == 4'd11) begin replaying <= 1'b1; start <= 1'b1; end
      if (m_valid && m_ready && m_last) replaying <= 1'b0;
    end
  end
  proto_in_buf #(.W(12), .LANES(2), .BEATS(3), .CNT_W(2), .ADDR_W(2)) u_buf (
    .clk(clk), .rst(rst), .clear(start), .wr_valid(wr), .wr_data(s_data), .start(start),
    .m_valid(m_valid), .m_ready(m_ready), .m_data(m_data), .m_last(m_last));
  assign m_keep = 2'b11;
  assign ovf    = 1'b0;
  wire unused_ok = &{1'b0, s_last};
endmodule
`,
};

/**
 * proto_out_buf alone: beats of 3 lanes of 10 bits with a keep mask (the 3
 * bits above the lanes) arrive at random; each vector of 2 beats is captured,
 * then sent as bytes (2 per kept lane) to the harness, whose ready is random.
 */
const OUT_LOOP: SourceFile = {
  name: 'test_out_buf_loop.v',
  text: `module test_out_buf_loop (
  input  wire        clk,
  input  wire        rst,
  input  wire        s_valid,
  output wire        s_ready,
  input  wire [32:0] s_data,
  input  wire        s_last,
  output wire        m_valid,
  input  wire        m_ready,
  output wire [7:0]  m_data,
  output wire [0:0]  m_keep,
  output wire        m_last,
  output wire        ovf
);
  localparam [1:0] ST_ARM = 2'd0, ST_CAPTURE = 2'd1, ST_SEND = 2'd2;
  reg  [1:0]  st;
  reg         arm, send;
  reg  [15:0] sent;
  wire        done;
  wire [15:0] values;
  wire        m_fire = m_valid && m_ready;
  wire [15:0] total = {values[14:0], 1'b0};   // 2 bytes per value
  always @(posedge clk) begin
    if (rst) begin
      st <= ST_ARM; arm <= 1'b0; send <= 1'b0; sent <= 16'd0;
    end else begin
      arm <= 1'b0; send <= 1'b0;
      case (st)
        ST_ARM:     begin arm <= 1'b1; st <= ST_CAPTURE; end
        ST_CAPTURE: if (done) begin send <= 1'b1; sent <= 16'd0; st <= ST_SEND; end
        default:    if (m_fire) begin
                      sent <= sent + 16'd1;
                      if (sent + 16'd1 == total) st <= ST_ARM;
                    end
      endcase
    end
  end
  proto_out_buf #(.LANES(3), .W(10), .DEPTH(2), .CNT_W(2), .ADDR_W(1)) u_buf (
    .clk(clk), .rst(rst), .arm(arm), .s_valid(s_valid), .s_ready(s_ready), .s_data(s_data[29:0]), .s_keep(s_data[32:30]),
    .s_last(s_last), .done(done), .values(values), .send(send), .m_valid(m_valid), .m_ready(m_ready), .m_data(m_data));
  assign m_last = (sent + 16'd1 == total);
  assign m_keep = 1'b1;
  assign ovf    = 1'b0;
  wire unused_ok = &{1'b0, values[15]};
endmodule
`,
};

describe('vector buffers under random backpressure (Verilator, stream harness)', () => {
  let seed = 4242;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const asSigned8 = (b: number) => (b >= 128 ? b - 256 : b);
  const stalls = [[100, 100, 1], [40, 35, 2], [90, 15, 3], [15, 90, 4]];

  it('proto_in_buf: the replayed beats are the elements written, in order', async () => {
    const nvec = 30;
    const vectors: number[][][] = [];
    const expected: number[][] = [];
    for (let k = 0; k < nvec; k++) {
      const bytes: number[] = [];
      const elems: number[] = [];
      for (let e = 0; e < 6; e++) {
        const v = rnd(4096) - 2048;
        elems.push(v);
        const u = v & 0xfff;
        bytes.push(u & 0xff, (u >> 8) | (rnd(16) << 4));   // bits above the 12 are junk: ignored
      }
      vectors.push(bytes.map((b) => [asSigned8(b)]));
      expected.push(elems);
    }
    const d = { sources: [template('proto_in_buf.v'), IN_LOOP], top: 'test_in_buf_loop', io: { inLanes: 1, inWidth: 8, outLanes: 2, outWidth: 12, inBeats: 12, outBeats: 3 } };
    for (const [validPct, readyPct, s] of stalls) {
      const r = await simulateStream(d, vectors, { validPct, readyPct, seed: s });
      expect(r.outputs, `valid ${validPct}% ready ${readyPct}%`).toEqual(expected);
      for (const beats of r.beats) expect(beats.map((b) => b.last)).toEqual([false, false, true]);
      if (readyPct === 100) {
        // with the consumer always ready, the beats of a vector leave on consecutive cycles
        for (const beats of r.beats) expect(beats.map((b) => b.cycle - beats[0].cycle)).toEqual([0, 1, 2]);
      }
    }
  });

  it('proto_out_buf: every kept lane comes back as 2 bytes, sign-extended, in order', async () => {
    const keeps: [number, number][] = [[0b011, 0b100], [0b101, 0b010], [0b001, 0b011], [0b000, 0b111], [0b110, 0b001], [0b111, 0b000]];
    const vectors: number[][][] = [];
    const expected: number[][] = [];
    for (let k = 0; k < 36; k++) {
      const out: number[] = [];
      const beats = keeps[k % keeps.length].map((keep) => {
        const lanes = [0, 1, 2].map(() => rnd(1024) - 512);
        lanes.forEach((x, l) => { if ((keep >> l) & 1) out.push(x & 0xff, (x >> 8) & 0xff); });
        let word = BigInt(keep) << 30n;
        lanes.forEach((x, l) => { word |= BigInt(x & 0x3ff) << BigInt(10 * l); });
        return [Number(BigInt.asIntN(33, word))];
      });
      vectors.push(beats);
      expected.push(out);
    }
    const d = {
      sources: [template('lanes_to_uart_bytes.v'), template('proto_out_buf.v'), OUT_LOOP], top: 'test_out_buf_loop',
      io: { inLanes: 1, inWidth: 33, outLanes: 1, outWidth: 8, inBeats: 2, outBeats: 6 },
    };
    for (const [validPct, readyPct, s] of stalls) {
      const r = await simulateStream(d, vectors, { validPct, readyPct, seed: s });
      expect(r.outputs.map((v) => v.map((b) => b & 0xff)), `valid ${validPct}% ready ${readyPct}%`).toEqual(expected);
      for (const beats of r.beats) expect(beats.map((b) => b.last)).toEqual([false, false, false, false, false, true]);
    }
  });
});
