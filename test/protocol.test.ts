/**
 * The framed UART protocol without simulation: host-side encoding and
 * decoding, the device templates alone (Verilator -Wall, Icarus, yosys), the
 * generated device top around several designs, the board top, and the
 * host-side reference model of the run-time registers.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runYosys } from '@yowasp/yosys';
import {
  CMD, ERR, PROTOCOL_VERSION, STATUS_PAYLOAD, WRITE_BLOCK_MAX, answerCode, checksum, decodeError, decodeFrame, decodeStatus, decodeValues,
  encodeFrame, encodeValues, encodeWriteBlock, encodeWriteReg, protoShape,
} from '../src/network/protocol.ts';
import { PROTO_TOP_MODULE, emitProtoTop, protoDesign, templatesForProto } from '../src/network/proto-top.ts';
import { boardDesign } from '../src/network/board.ts';
import { loadDesign, designFromPlan } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { checkRtl } from '../src/sim/lint.ts';
import { DeviceModel } from '../src/host/model.ts';
import { parseInputVectors } from '../src/host/inputs.ts';
import { addressRuns, formatRunReport, parseRegisterWrite, runOnDevice } from '../src/host/run.ts';
import { DeviceError, ProtocolClient } from '../src/host/client.ts';
import { ReceiveBuffer, type ByteTransport } from '../src/sim/transport.ts';
import { bcircLoadWords } from '../src/layers/block-circulant/rtl.ts';
import type { BlockCirculantPlan } from '../src/layers/block-circulant/plan.ts';
import { registerRunCommand, runCommand, type RunCommandOptions } from '../src/cli/run-command.ts';
import { CircaInputError } from '../src/errors.ts';
import { Command, CommanderError } from 'commander';
import { tvscmReference } from '../src/layers/tvscm/reference.ts';
import type { TvscmPlan } from '../src/layers/tvscm/plan.ts';
import { template, type SourceFile } from '../src/verilog/index.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-proto-'));

function tool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: work }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}`.trim() });
    });
  });
}

function writeSources(files: readonly SourceFile[]): string[] {
  return files.filter((f) => f.name.endsWith('.v')).map((f) => {
    const p = join(work, f.name);
    writeFileSync(p, f.text);
    return p;
  });
}

/** A small TVSCM layer whose last output beat keeps 2 of its 4 lanes. */
const TVSCM18 = {
  kind: 'tvscm', name: 'tv18', n: 18, lanes: 4, placement: { type: 'band', radius: 2 },
  input: { int: 0, frac: 7 }, weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 }, output: { format: { int: 1, frac: 6 } },
};
/** A network without run-time registers, inputs and outputs wider than a byte. */
const DENSE_NET = {
  network: 'dn', layers: [
    { kind: 'dense', name: 'fc', inputs: 6, outputs: 3, lanes: 1, input: { int: 3, frac: 8 },
      weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 2 }, output: { format: { int: 5, frac: 6 } } },
  ],
};

describe('frames', () => {
  it('the checksum makes every frame sum to 0 mod 256', () => {
    expect(checksum([0x01, 0x02, 0x00, 0x10, 0x20])).toBe((0x100 - 0x33) & 0xff);
    expect(checksum([])).toBe(0);
    const f = encodeFrame(CMD.WRITE_REG, encodeWriteReg(5, -20));
    expect(Array.from(f)).toEqual([0x03, 6, 0, 5, 0, 0xec, 0xff, 0xff, 0xff, checksum(f.subarray(0, 9))]);
    expect(f.reduce((s, b) => (s + b) & 0xff, 0)).toBe(0);
  });

  it('decodes what it encodes, and rejects a bad checksum or a wrong length', () => {
    const f = encodeFrame(0x84, Array.from({ length: 12 }, (_, i) => i * 17));
    expect(decodeFrame(f)).toEqual({ code: 0x84, payload: Uint8Array.from({ length: 12 }, (_, i) => i * 17) });
    const bad = Uint8Array.from(f);
    bad[5] ^= 0x40;
    expect(() => decodeFrame(bad)).toThrow(/bad checksum/);
    expect(() => decodeFrame(f.subarray(0, f.length - 1))).toThrow(/header says 12 payload bytes/);
    expect(() => encodeFrame(1, new Array(65536).fill(0))).toThrow(/65535/);
  });

  it('answer codes, errors, status', () => {
    expect(answerCode(CMD.LOAD_INPUT)).toBe(0x81);
    expect(answerCode(CMD.READ_STATUS)).toBe(0x84);
    expect(decodeError([ERR.BAD_CHECKSUM, 0x01])).toEqual({ code: 1, command: 1, text: 'bad checksum' });
    const st = decodeStatus([0b1101, 2, 3, 0, 0x34, 0x12, 0x78, 0x56, 0x34, 0xf2, 10, 1]);
    expect(st).toEqual({
      ovf: true, busy: false, haveOutput: true, lineError: true, version: 2,
      checksumErrors: 3, frameErrors: 0x1234, lastCycles: 0xf2345678, inferences: 266,
    });
    expect(() => decodeStatus(new Array(STATUS_PAYLOAD - 1).fill(0))).toThrow(/12 bytes/);
  });

  it('values: little-endian, sign-extended to whole bytes; range checked', () => {
    expect(encodeValues([-5, 300], 10)).toEqual([0xfb, 0xff, 0x2c, 0x01]);
    expect(decodeValues([0xfb, 0xff, 0x2c, 0x01], 10)).toEqual([-5, 300]);
    expect(encodeValues([-128, 127], 8)).toEqual([0x80, 0x7f]);
    expect(decodeValues([0x80, 0x7f], 8)).toEqual([-128, 127]);
    expect(encodeValues([-(2 ** 23)], 24)).toEqual([0, 0, 0x80]);
    expect(() => encodeValues([512], 10)).toThrow(/does not fit 10 signed bits/);
    expect(() => decodeValues([1, 2, 3], 16)).toThrow(/whole number/);
  });

  it('WRITE_REG payload: 16-bit address, 32-bit value, both little-endian', () => {
    expect(encodeWriteReg(0x1234, 0x89abcdef)).toEqual([0x34, 0x12, 0xef, 0xcd, 0xab, 0x89]);
    expect(encodeWriteReg(1, -1)).toEqual([1, 0, 0xff, 0xff, 0xff, 0xff]);
    expect(() => encodeWriteReg(70000, 0)).toThrow(/0\.\.65535/);
    expect(() => encodeWriteReg(0, 2 ** 32)).toThrow(/32 bits/);
  });

  it('WRITE_BLOCK payload: 16-bit address, then K 32-bit values, all little-endian; 1..16383 values', () => {
    expect(CMD.WRITE_BLOCK).toBe(0x05);
    expect(answerCode(CMD.WRITE_BLOCK)).toBe(0x85);
    expect(PROTOCOL_VERSION).toBe(2);
    expect(encodeWriteBlock(0x0201, [0x89abcdef, -1, 7])).toEqual([0x01, 0x02, 0xef, 0xcd, 0xab, 0x89, 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0]);
    // one value: the same bytes as WRITE_REG's payload
    expect(encodeWriteBlock(5, [-20])).toEqual(encodeWriteReg(5, -20));
    expect(() => encodeWriteBlock(1, [])).toThrow(/1\.\.16383 values, not 0/);
    expect(() => encodeWriteBlock(1, new Array(WRITE_BLOCK_MAX + 1).fill(0))).toThrow(/not 16384/);
    expect(() => encodeWriteBlock(65536, [1])).toThrow(/0\.\.65535/);
    expect(() => encodeWriteBlock(1, [1, 2 ** 32])).toThrow(/32 bits/);
    // the largest block is the largest frame: 2 + 4 * 16383 = 65534 payload bytes, length 4K + 2
    const f = encodeFrame(CMD.WRITE_BLOCK, encodeWriteBlock(1, new Array(WRITE_BLOCK_MAX).fill(0x12345678)));
    expect(f.length).toBe(65538);
    expect([f[1], f[2]]).toEqual([0xfe, 0xff]);
    expect(f.reduce((a, b) => (a + b) & 0xff, 0)).toBe(0);
  });
});

/**
 * A device that answers every frame (WRITE_REG 0x83, WRITE_BLOCK 0x85, or the
 * error `fail` gives) and records the frames, decoded, with the read timeouts
 * the client asked for.
 */
function fakeDevice(fail?: (frame: { code: number; payload: Uint8Array }) => number[] | null) {
  const rx = new ReceiveBuffer();
  const frames: { code: number; payload: Uint8Array }[] = [];
  const timeouts: number[] = [];
  const t: ByteTransport = {
    label: 'fake device',
    async write(bytes) {
      const f = decodeFrame(bytes);
      frames.push(f);
      const err = fail?.(f);
      rx.push(err ? encodeFrame(0xff, err) : encodeFrame(answerCode(f.code)));
    },
    read(n, timeoutMs) {
      timeouts.push(timeoutMs);
      return rx.read(n, timeoutMs, () => new Error('no answer'));
    },
    discard: () => rx.discard(),
    close: async () => undefined,
  };
  /** a WRITE_BLOCK frame's address and values */
  const block = (f: { payload: Uint8Array }) => ({
    address: f.payload[0] | (f.payload[1] << 8),
    values: Array.from({ length: (f.payload.length - 2) / 4 }, (_, i) => new DataView(f.payload.buffer, f.payload.byteOffset + 2 + 4 * i, 4).getUint32(0, true)),
  });
  return { t, frames, timeouts, block };
}

describe('host: WRITE_BLOCK frames and the sync load', () => {
  const shape = { inputs: 1, inWidth: 8, outputs: 1, outWidth: 8 };

  it('writeBlock splits into frames of at most 16383 values, in order; the wait covers each frame\'s line time', async () => {
    const dev = fakeDevice();
    const client = new ProtocolClient(dev.t, shape, { baud: 115200, slackMs: 100 });
    const values = Array.from({ length: 40000 }, (_, i) => (i * 2654435761) % 2 ** 32);
    const before: number[] = [];
    expect(await client.writeBlock(0x1234, values, (k) => before.push(k))).toBe(3);
    expect(dev.frames.map((f) => [f.code, f.payload.length])).toEqual([[0x05, 2 + 4 * 16383], [0x05, 2 + 4 * 16383], [0x05, 2 + 4 * 7234]]);
    expect(dev.frames.map((f) => dev.block(f).address)).toEqual([0x1234, 0x1234, 0x1234]);
    expect(dev.frames.flatMap((f) => dev.block(f).values)).toEqual(values);
    expect(before).toEqual([0, 16383, 32766]);
    // the first wait of a full frame: its 65538 bytes plus the answer's header at 10 bits a byte (5689.4 ms), plus slack
    expect(dev.timeouts[0]).toBe(Math.ceil(((65538 + 3) * 10 * 1000) / 115200) + 100);
    expect(dev.timeouts[0]).toBeGreaterThan((65538 * 10 * 1000) / 115200);
    expect(client.timeoutFor(65538 + 3)).toBe(dev.timeouts[0]);
    // no frame for no values; a smaller block size on request; a bad value is refused before any frame goes out
    expect(await client.writeBlock(1, [])).toBe(0);
    const small = fakeDevice();
    expect(await new ProtocolClient(small.t, shape, { blockValues: 7 }).writeBlock(3, Array.from({ length: 15 }, (_, i) => i))).toBe(3);
    expect(small.frames.map((f) => dev.block(f).values)).toEqual([[0, 1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12, 13], [14]]);
    const none = fakeDevice();
    await expect(new ProtocolClient(none.t, shape, { blockValues: 2 }).writeBlock(1, [1, 2, 3, 2 ** 32])).rejects.toThrow(/32 bits/);
    expect(none.frames).toEqual([]);
    expect(() => new ProtocolClient(none.t, shape, { blockValues: WRITE_BLOCK_MAX + 1 })).toThrow(/blockValues/);
  });

  it('a bad checksum answer to a WRITE_BLOCK says the writes were applied and the load must be redone; an old bitstream is named', async () => {
    const bad = fakeDevice((f) => (f.code === CMD.WRITE_BLOCK ? [ERR.BAD_CHECKSUM, f.code] : null));
    const e = await new ProtocolClient(bad.t, shape).writeBlock(1, [1, 2, 3]).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DeviceError);
    expect((e as DeviceError).code).toBe(ERR.BAD_CHECKSUM);
    expect((e as Error).message).toMatch(/rejected WRITE_BLOCK: bad checksum, answered after the frame's writes were applied .*values 0\.\.2 of 3 to address 1.*redo the whole load/);
    const old = fakeDevice((f) => (f.code === CMD.WRITE_BLOCK ? [ERR.UNKNOWN_COMMAND, f.code] : null));
    await expect(new ProtocolClient(old.t, shape).writeBlock(1, [1, 2])).rejects.toThrow(/predates WRITE_BLOCK \(protocol version 1\)/);
    expect(old.frames).toHaveLength(1);   // no second frame after the first is refused
  });

  it('groups consecutive writes to one address', () => {
    expect(addressRuns([{ address: 0, value: 0 }, { address: 1, value: 5 }, { address: 1, value: 6 }, { address: 0, value: 1 }, { address: 1, value: 7 }])).toEqual([
      { address: 0, values: [0] }, { address: 1, values: [5, 6] }, { address: 0, values: [1] }, { address: 1, values: [7] },
    ]);
    expect(addressRuns([])).toEqual([]);
  });

  it('blockcirc-784: the 21,610 sync writes go out as 3 frames (a WRITE_REG restart, ceil(21609 / 16383) = 2 WRITE_BLOCKs); --write-reg stays WRITE_REG', async () => {
    const design = loadDesign('examples/blockcirc-784.json');
    const words = bcircLoadWords(design.net.layers[0].plan as BlockCirculantPlan);
    expect(words).toHaveLength(21609);
    const dev = fakeDevice();
    const msgs: string[] = [];
    const r = await runOnDevice(design, dev.t, [], { writeRegs: [{ address: 0, value: 0 }, { address: 1, value: words[0] }, { address: 1, value: words[1] }], onProgress: (m) => msgs.push(m) });
    expect(dev.frames.map((f) => f.code)).toEqual([CMD.WRITE_REG, CMD.WRITE_BLOCK, CMD.WRITE_BLOCK, CMD.WRITE_REG, CMD.WRITE_REG, CMD.WRITE_REG]);
    expect(Array.from(dev.frames[0].payload)).toEqual(encodeWriteReg(0, 0));
    expect(dev.frames.slice(1, 3).map((f) => dev.block(f).address)).toEqual([1, 1]);
    expect(dev.frames.slice(1, 3).map((f) => dev.block(f).values.length)).toEqual([16383, 21609 - 16383]);
    expect(dev.frames.slice(1, 3).flatMap((f) => dev.block(f).values)).toEqual(words);
    expect(r.sync).toEqual([{
      layer: 0, name: 'bc784', kind: 'block-circulant', writes: 21610, frames: 3, addresses: [0, 1], summary: 'loaded the spectra into SPRAM (21609 words of 16 bits)',
    }]);
    expect(formatRunReport(r)).toContain('sync: layer 0 bc784: 21,610 write(s) in 3 frame(s) loaded the spectra into SPRAM (21609 words of 16 bits)');
    // line time: 86,470 bytes with the answers, 7.5 s at 115200 baud; one WRITE_REG per write was 302,540 bytes, 26.3 s
    const bytes = dev.frames.slice(0, 3).reduce((n, f) => n + f.payload.length + 4 + 4, 0);
    expect(bytes).toBe(86470);
    expect(21610 * (10 + 4)).toBe(302540);
    // progress: the first and last messages, at most one per frame between
    const loading = msgs.filter((m) => m.startsWith('loading the spectra'));
    expect(loading[0]).toBe('loading the spectra of layer 0 (bc784): 0/21610 writes');
    expect(loading[loading.length - 1]).toBe('loading the spectra of layer 0 (bc784): 21610/21610 writes');
    expect(loading.length).toBeLessThanOrEqual(4);
  });
});

describe('host-side inputs, register writes and model', () => {
  const mitbih = loadDesign('examples/mitbih-tvscm.json');
  const shape = { inputs: 3, inFormat: { int: 0, frac: 7 }, inWidth: 8 };

  it('reads raw vectors, or reals quantised with saturation', () => {
    expect(parseInputVectors([[1, -2, 127]], shape).vectors).toEqual([[1, -2, 127]]);
    expect(parseInputVectors([1, -2, 127], shape).vectors).toEqual([[1, -2, 127]]);   // one vector alone
    const r = parseInputVectors([[0.5, -1, 1.0], [0.0078125, 0.01171875, -0.5]], shape, { real: true });
    expect(r.vectors).toEqual([[64, -128, 127], [1, 2, -64]]);   // 1.0 saturates; 1.5 LSB rounds to even
    expect(r.saturated).toBe(1);
    expect(() => parseInputVectors([[1, 2]], shape, { label: 'in.json' })).toThrow(/in\.json: \[0\]: has 2 elements, the design takes 3/);
    expect(() => parseInputVectors([[1, 2, 128]], shape)).toThrow(/\[0\]\[2\]: 128 is not a raw Q0\.7 .*-128\.\.127.*--real/);
    expect(() => parseInputVectors([[1, 2, 0.5]], shape)).toThrow(/--real/);
    expect(() => parseInputVectors({}, shape)).toThrow(/array of input vectors/);
  });

  it('parses --write-reg addr=value', () => {
    expect(parseRegisterWrite('0=32')).toEqual({ address: 0, value: 32 });
    expect(parseRegisterWrite('1=-20')).toEqual({ address: 1, value: -20 });
    expect(parseRegisterWrite('0x5=0xff')).toEqual({ address: 5, value: 255 });
    expect(() => parseRegisterWrite('a=1')).toThrow(/addr=value/);
  });

  it('the model follows TVSCM weight writes and the overflow clear', () => {
    const m = new DeviceModel(mitbih);
    const plan = mitbih.net.layers[0].plan as TvscmPlan;
    // the setup writes: the spec's a and b, then the overflow clear, at layer 0's addresses
    expect(m.syncWrites()).toMatchObject([{ layer: 0, name: 'tvscm187', kind: 'tvscm', writes: [{ address: 0, value: plan.a }, { address: 1, value: plan.b }, { address: 2, value: 0 }] }]);
    expect(m.writeReg(0, 100)).toMatchObject({ applied: true, effect: expect.stringMatching(/a = 100 \(0\.78125/) });
    expect(m.writeReg(1, 0xfe).effect).toMatch(/b = -2/);       // the low 8 bits, read as signed
    expect(m.writeReg(4, 1)).toMatchObject({ applied: false });   // layer 1 is dense: no registers
    expect(() => m.writeReg(64, 1)).toThrow(/address 64 is outside the config port of mitbih_tvscm \(0\.\.15\)/);
    const x = Array.from({ length: 187 }, (_, i) => (i * 37) % 256 - 128);
    const y0 = tvscmReference(plan, x, 100, -2).y;
    const fc = mitbih.net.layers[1];
    const arg = mitbih.net.layers[2];
    expect(m.infer(x).y).toEqual(arg.kind.reference(arg.plan, fc.kind.reference(fc.plan, y0).y).y);
  });

  it('a design without a config port has no registers', () => {
    const m = new DeviceModel(designFromPlan(planAny(DENSE_NET), true));
    expect(() => m.checkAddress(0)).toThrow(/no run-time registers/);
  });
});

describe('device templates alone: lint, Icarus, yosys', { tags: ['tools'] }, () => {
  const params: Record<string, string[][]> = {
    proto_rx_frame: [[], ['-GTIMEOUT=1600', '-GTIMEOUT_W=11'], ['-GTIMEOUT=2', '-GTIMEOUT_W=2']],
    proto_tx_frame: [[]],
    proto_ctrl: [[], ['-GIN_PAYLOAD=784', '-GOUT_BYTES=2', '-GCFG_A=5', '-GCFG_W=16'], ['-GHAS_CFG=0', '-GCFG_A=1', '-GCFG_W=1'], ['-GCFG_A=16', '-GCFG_W=32']],
    proto_in_buf: [[], ['-GW=12', '-GLANES=2', '-GBEATS=3', '-GCNT_W=2', '-GADDR_W=2'], ['-GW=8', '-GLANES=1', '-GBEATS=1', '-GCNT_W=1', '-GADDR_W=1'],
      ['-GW=17', '-GLANES=3', '-GBEATS=784', '-GCNT_W=10', '-GADDR_W=10']],
    proto_out_buf: [[], ['-GLANES=4', '-GW=8', '-GDEPTH=5', '-GCNT_W=3', '-GADDR_W=3'], ['-GLANES=1', '-GW=6', '-GDEPTH=1', '-GCNT_W=1', '-GADDR_W=1'],
      ['-GLANES=2', '-GW=18', '-GDEPTH=256', '-GCNT_W=9', '-GADDR_W=8']],
    pll_ice40: [[], ['-GPAD=1']],
  };
  const modules = [...templatesForProto().filter((t) => t.name.startsWith('proto_')).map((t) => t.name.replace(/\.v$/, '')), 'pll_ice40'];

  for (const mod of modules) {
    // proto_ctrl instantiates the frame parser and framer, proto_out_buf the byte serialiser
    // (pll_ice40_cells declares the PLL primitives for yosys; it is empty for Verilator and Icarus)
    const deps = () => (mod === 'pll_ice40' ? [template('pll_ice40_cells.v'), template('pll_ice40.v')] : templatesForProto());
    it(`${mod}: verilator --lint-only -Wall is clean`, async () => {
      const files = writeSources(deps());
      for (const p of params[mod]) {
        const r = await tool('verilator', ['--lint-only', '-Wall', '--top-module', mod, ...p, ...files]);
        expect(r.out, `${mod} ${p.join(' ')}`).toBe('');
        expect(r.code).toBe(0);
      }
    });
    it(`${mod}: iverilog -g2005 compiles it`, async () => {
      const files = writeSources(deps());
      const r = await tool('iverilog', ['-g2005', '-Wall', '-s', mod, '-o', join(work, `${mod}.vvp`), ...files]);
      expect(r.out.split('\n').filter((l) => l && !/timescale/.test(l))).toEqual([]);
      expect(r.code).toBe(0);
    });
    it(`${mod}: yosys reads it, no latches, check passes`, async () => {
      let log = '';
      const sink = (b: Uint8Array | null) => { if (b) log += new TextDecoder().decode(b); };
      const files = deps();
      for (const p of mod === 'pll_ice40' ? ['', 'chparam -set PAD 1 pll_ice40; '] : ['']) {
        const script = `read_verilog ${files.map((f) => f.name).join(' ')}; ${p}hierarchy -check -top ${mod}; proc; check -assert; ` +
          'select -assert-none t:$dlatch t:$adlatch t:$sr t:$dlatchsr';
        await runYosys(['-q', '-p', script], Object.fromEntries(files.map((f) => [f.name, f.text])), { stdout: sink, stderr: sink });
      }
      expect(log).not.toMatch(/ERROR|Warning/i);
    });
  }
});

describe('generated device top', () => {
  const tvscm18 = designFromPlan(planAny(TVSCM18), false);
  const cases: [string, ReturnType<typeof loadDesign>][] = [
    ['TVSCM layer n=18 P=4 (partial last beat)', tvscm18],
    ['mitbih-tvscm network', loadDesign('examples/mitbih-tvscm.json')],
    ['a network without a config port, 12-bit inputs, 12-bit outputs', designFromPlan(planAny(DENSE_NET), true)],
  ];
  for (const [label, design] of cases) {
    it(`${label}: Verilator -Wall, Icarus and yosys accept it`, { tags: ['tools'] }, async () => {
      const d = protoDesign(design.rtl(), { clksPerBit: 8, timeoutBits: 200 });
      for (const c of await checkRtl(d.sources, d.top)) expect(c.messages, c.tool).toEqual([]);
    });
  }

  it('states its shape, the protocol and the schedule in its header', () => {
    const rtl = tvscm18.rtl();
    expect(protoShape(rtl)).toEqual({ inputs: 18, inWidth: 8, inPayload: 18, outWidth: 8, cfg: { addrWidth: 2, dataWidth: 8 } });
    const top = emitProtoTop(rtl, { clksPerBit: 104 });
    expect(top.text).toMatch(/^\/\/ circa_proto_top: tv18_top behind circa's framed UART protocol/);
    expect(top.text).toMatch(/Generated by circa/);
    expect(top.text).toContain('clksPerBit = 104');
    expect(top.text).toContain('0x01 LOAD_INPUT, 0x02 READ_OUTPUT, 0x03 WRITE_REG, 0x04 READ_STATUS, 0x05 WRITE_BLOCK');
    expect(top.text).toMatch(/timeout = 11520 bit times \(1198080 cycles\)/);
    expect(top.text).toMatch(/module circa_proto_top/);
    expect(() => emitProtoTop(rtl, { clksPerBit: 3 })).toThrow(/clksPerBit/);
    expect(() => emitProtoTop(rtl, { clksPerBit: 8, timeoutBits: 5 })).toThrow(/timeoutBits/);
    const net = designFromPlan(planAny(DENSE_NET), true).rtl();
    expect(protoShape(net)).toMatchObject({ inputs: 6, inWidth: 12, inPayload: 12, cfg: null });
    expect(PROTO_TOP_MODULE).toBe('circa_proto_top');
  });
});

describe('board top with the framed protocol', () => {
  it('iCEBreaker, mitbih-tvscm: lint, Icarus, yosys clean; 104 clocks per bit; LEDs busy and ovf', { tags: ['tools'] }, async () => {
    const d = boardDesign(loadDesign('examples/mitbih-tvscm.json').rtl(), loadBoard('icebreaker'));
    expect(d.clksPerBit).toBe(104);
    expect(d.leds).toEqual(['busy', 'ovf']);
    expect(d.clock).toEqual({ boardMHz: 12, mhz: 12, pll: null });
    expect(d.flowBoard.clock.mhz).toBe(12);
    expect(d.sources.map((s) => s.name)).toContain('circa_proto_top.v');
    expect(d.sources.map((s) => s.name)).not.toContain('pll_ice40.v');
    expect(d.sources.at(-1)!.text).toMatch(/framed protocol/);
    for (const c of await checkRtl(d.sources, d.top)) expect(c.messages, c.tool).toEqual([]);
  });

  it('a board without a UART is refused, naming the reason', () => {
    expect(() => boardDesign(loadDesign('examples/mitbih-tvscm.json').rtl(), loadBoard('tinyfpga-bx'))).toThrow(/tinyfpga-bx has no UART .*Choose a board with one \(hx8k-breakout, icebreaker, icestick, icesugar, upduino-v3\)\.$/);
  });
});

describe('circa run: checks before any byte is sent', () => {
  const inputsPath = join(work, 'run-inputs.json');
  writeFileSync(inputsPath, JSON.stringify([new Array(187).fill(0)]));
  const base: RunCommandOptions = { port: '/dev/circa-no-such-port', baud: 115200, writeReg: [], sync: true, slack: 2000, quiet: true };

  it('a port that does not exist: CircaInputError (exit 2) naming --port', async () => {
    const e = await runCommand('examples/mitbih-tvscm.json', inputsPath, base).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CircaInputError);
    expect((e as CircaInputError).exitCode).toBe(2);
    expect((e as Error).message).toMatch(/^--port \/dev\/circa-no-such-port: no such device\. Is the board plugged in\?/);
  });

  it('a file that is not a serial device: CircaInputError naming --port', async () => {
    const e = await runCommand('examples/mitbih-tvscm.json', inputsPath, { ...base, port: inputsPath }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CircaInputError);
    expect((e as Error).message).toMatch(/^--port .*run-inputs\.json: not a serial device \(a regular file\)/);
  });

  it('TinyFPGA BX: no UART, said plainly', async () => {
    await expect(runCommand('examples/mitbih-tvscm.json', inputsPath, { ...base, board: 'tinyfpga-bx' }))
      .rejects.toThrow(/board tinyfpga-bx has no UART .*circa run cannot reach a design on it.*Use a board with one \(hx8k-breakout, icebreaker, icestick, icesugar, upduino-v3\)\.$/);
  });

  it('inputs of the wrong size, a register the design does not have', async () => {
    const bad = join(work, 'bad-inputs.json');
    writeFileSync(bad, JSON.stringify([[1, 2, 3]]));
    await expect(runCommand('examples/mitbih-tvscm.json', bad, base)).rejects.toThrow(/\[0\]: has 3 elements, the design takes 187/);
  });

  it('registers with commander: options, repeatable --write-reg, usage errors', async () => {
    const program = new Command().exitOverride();
    program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    const cmd = registerRunCommand(program);
    const help = cmd.helpInformation();
    for (const o of ['--port <dev>', '--baud <rate>', '--write-reg <addr=value>', '--status', '--real', '--json', '--board']) expect(help).toContain(o);
    await expect(program.parseAsync(['node', 'circa', 'run', 'examples/mitbih-tvscm.json', inputsPath, '--port', '/dev/circa-no-such-port',
      '--write-reg', '0=5', '--write-reg', '0x1=-3', '-q'])).rejects.toThrow(/no such device/);
    expect(cmd.opts().writeReg).toEqual([{ address: 0, value: 5 }, { address: 1, value: -3 }]);
    cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    await expect(program.parseAsync(['node', 'circa', 'run', 'a.json', 'b.json', '--port', 'x', '--write-reg', 'a=b'])).rejects.toBeInstanceOf(CommanderError);
  });
});
