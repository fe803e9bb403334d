/**
 * The serial transport (src/host/serial.ts, the `serialport` package):
 * - with @serialport/binding-mock (SerialPortMock.binding): bytes out in order, bytes in in order,
 *   timeouts, close, a port that is not there;
 * - with the native binding (the prebuilt addon): a missing device and a file
 *   that is not a serial port are refused with the field named;
 * - `circa run` end to end through the mock binding, wired to the simulated
 *   board (the Verilated framed-protocol top of mitbih-tvscm): every vector
 *   checked against the reference model, the status read (tag `tools`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPortMock } from 'serialport';
import { openSerialPort, type SerialTransport } from '../src/host/serial.ts';
import { CircaError, CircaInputError } from '../src/errors.ts';
import { loadDesign } from '../src/network/design.ts';
import { protoDesign } from '../src/network/proto-top.ts';
import { startUartSession, type UartSimSession } from '../src/sim/uart.ts';
import { runCommand } from '../src/cli/run-command.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-serial-'));
// @serialport/binding-mock's MockBinding, as the serialport package exports it (its own types do not resolve under NodeNext)
const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;
const mockPort = (t: SerialTransport) => t.port.port as unknown as MockPortBinding;

describe('the serial transport over the mock binding', () => {
  beforeAll(() => {
    MockBinding.reset();
    MockBinding.createPort('/dev/ttyCIRCA0', { echo: false, record: true });
  });

  it('writes reach the port in order; data from the port is read in order, in pieces of any size', async () => {
    const t = await openSerialPort('/dev/ttyCIRCA0', 115200, { binding: MockBinding });
    try {
      expect(t.label).toBe('serial /dev/ttyCIRCA0 at 115200 baud');
      await t.write(Uint8Array.from([1, 2, 3]));
      await t.write(Uint8Array.from([250, 0]));
      expect([...mockPort(t).recording]).toEqual([1, 2, 3, 250, 0]);
      expect(mockPort(t).openOptions).toMatchObject({ baudRate: 115200, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false });
      mockPort(t).emitData(Buffer.from([10, 11, 12, 13]));
      expect([...await t.read(3, 1000)]).toEqual([10, 11, 12]);
      const pending = t.read(3, 1000);
      mockPort(t).emitData(Buffer.from([14, 15]));
      expect([...await pending]).toEqual([13, 14, 15]);
    } finally {
      await t.close();
    }
  });

  it('a read that does not complete times out naming the port and the count; discard drops what arrived', async () => {
    const t = await openSerialPort('/dev/ttyCIRCA0', 9600, { binding: MockBinding });
    try {
      mockPort(t).emitData(Buffer.from([1]));
      await expect(t.read(2, 50)).rejects.toThrow('serial /dev/ttyCIRCA0 at 9600 baud: 1 of 2 bytes within 50 ms');
      t.discard();
      mockPort(t).emitData(Buffer.from([7]));
      expect([...await t.read(1, 1000)]).toEqual([7]);
    } finally {
      await t.close();
    }
  });

  it('after close, reads and writes fail and the port is free to open again', async () => {
    const t = await openSerialPort('/dev/ttyCIRCA0', 115200, { binding: MockBinding });
    await t.close();
    await t.close(); // twice is fine
    await expect(t.read(1, 1000)).rejects.toThrow(/closed/);
    await expect(t.write(Uint8Array.from([1]))).rejects.toThrow(CircaError);
    const again = await openSerialPort('/dev/ttyCIRCA0', 115200, { binding: MockBinding });
    await again.close();
  });

  it('a port that is not there, or a bad baud rate: CircaInputError naming the flag', async () => {
    await expect(openSerialPort('/dev/ttyNOTHERE', 115200, { binding: MockBinding })).rejects.toThrow(/^--port \/dev\/ttyNOTHERE: no such device/);
    await expect(openSerialPort('/dev/ttyCIRCA0', 0, { binding: MockBinding })).rejects.toThrow(/^--baud: must be a positive integer/);
    await expect(openSerialPort('/dev/ttyCIRCA0', 0, { binding: MockBinding })).rejects.toBeInstanceOf(CircaInputError);
  });
});

describe('the native binding (prebuilt, from npm)', () => {
  it('a device that does not exist: no such device, with where to look', async () => {
    const e = await openSerialPort(join(work, 'ttyUSB9'), 115200).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CircaInputError);
    expect((e as Error).message).toMatch(/^--port .*ttyUSB9: no such device\. Is the board plugged in\?/);
  });

  it('a file that is not a serial port: refused before the binding, and the message names --port', async () => {
    const file = join(work, 'not-a-port');
    writeFileSync(file, '');
    const e = await openSerialPort(file, 115200).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CircaInputError);
    expect((e as Error).message).toMatch(/^--port .*not-a-port: not a serial device \(a regular file\)/);
  });
});

describe('circa run through the mock binding, wired to the simulated board', { tags: ['tools'] }, () => {
  const CLKS = 8;
  let sim: UartSimSession;

  beforeAll(async () => {
    MockBinding.reset();
    MockBinding.createPort('/dev/ttyCIRCA1', { echo: false, record: false });
    const design = loadDesign('examples/mitbih-tvscm.json');
    sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: CLKS, timeoutBits: 200 }), { clksPerBit: CLKS });
  });
  afterAll(async () => {
    await sim?.end().catch(() => undefined);
  });

  it('3 vectors match the reference model, the register write and the status as predicted; exit 0', async () => {
    const inputsPath = join(work, 'inputs.json');
    writeFileSync(inputsPath, JSON.stringify([0, 1, 2].map((k) => Array.from({ length: 187 }, (_, i) => ((i * 13 + k * 29) % 256) - 128))));
    // the mock port's writes go to the simulated UART; the UART's bytes come back as the port's data
    const open = async (path: string, baud: number) => {
      const t = await openSerialPort(path, baud, { binding: MockBinding });
      const port = mockPort(t);
      const write = port.write.bind(port);
      port.write = async (buf: Buffer) => {
        await write(buf);
        await sim.write(Uint8Array.from(buf));
      };
      sim.onData = (bytes) => port.emitData(Buffer.from(bytes));
      return t;
    };
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    let code: number;
    try {
      code = await runCommand('examples/mitbih-tvscm.json', inputsPath, {
        port: '/dev/ttyCIRCA1', baud: 115200, writeReg: [{ address: 1, value: 5 }], sync: true, slack: 60_000, status: true, quiet: true,
      }, open);
    } finally {
      spy.mockRestore();
    }
    const text = out.join('');
    const latency = loadDesign('examples/mitbih-tvscm.json').cost().latency;
    expect(text).toContain('device: serial /dev/ttyCIRCA1 at 115200 baud');
    expect(text).toContain('write-reg 1 = 5: layer 0 tvscm187: b = 5');
    expect(text).toContain('3/3 vectors match the reference model');
    expect(text).toContain(`last one ${latency} cycles (predicted ${latency})`);
    expect(code).toBe(0);
  });
});
