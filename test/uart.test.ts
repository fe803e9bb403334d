import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runYosys } from '@yowasp/yosys';
import { designFromSpec, reference } from '../src/index.ts';
import { answerCode, CMD, encodeFrame, encodeValues } from '../src/network/protocol.ts';
import { protoDesign, templatesForProto } from '../src/network/proto-top.ts';
import { simulateUart } from '../src/sim/uart.ts';
import { template, type SourceFile } from '../src/verilog/index.ts';

const run = promisify(execFile);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'circa-uart-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run a tool and give back its exit code and everything it printed. */
async function tool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd: work, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

function writeSources(sources: readonly SourceFile[]): string[] {
  return sources.map((s) => {
    const p = join(work, s.name);
    writeFileSync(p, s.text);
    return p;
  });
}

const moduleOf = (f: SourceFile) => f.name.replace(/\.v$/, '');

describe('UART templates: lint, Icarus, yosys', () => {
  // the serial-line templates of the framed-protocol top (the proto_* ones are linted in protocol.test.ts)
  const templates = ['uart_rx.v', 'uart_tx.v', 'lanes_to_uart_bytes.v'].map(template);

  it('are the templates the protocol top uses besides its own proto_* ones', () => {
    expect(templatesForProto().map((t) => t.name).filter((n) => !n.startsWith('proto_')).sort()).toEqual(
      templates.map((t) => t.name).sort(),
    );
  });

  // Each template alone, with its defaults and with parameters that take the other generate branches.
  const params: Record<string, string[][]> = {
    uart_rx: [[], ['-GCLKS_PER_BIT=8'], ['-GCLKS_PER_BIT=4'], ['-GCLKS_PER_BIT=217']],
    uart_tx: [[], ['-GCLKS_PER_BIT=8'], ['-GCLKS_PER_BIT=4'], ['-GCLKS_PER_BIT=217']],
    lanes_to_uart_bytes: [[], ['-GLANES=3', '-GW=10'], ['-GLANES=1', '-GW=16'], ['-GLANES=4', '-GW=8'], ['-GLANES=5', '-GW=24']],
  };

  for (const t of templates) {
    const mod = moduleOf(t);
    it(`${t.name}: verilator --lint-only -Wall is clean`, async () => {
      const [file] = writeSources([t]);
      for (const p of params[mod]) {
        const r = await tool('verilator', ['--lint-only', '-Wall', '--top-module', mod, ...p, file]);
        expect(r.out, `${mod} ${p.join(' ')}`).toBe('');
        expect(r.code).toBe(0);
      }
    });

    it(`${t.name}: iverilog -g2005 compiles it`, async () => {
      const [file] = writeSources([t]);
      const r = await tool('iverilog', ['-g2005', '-Wall', '-s', mod, '-o', join(work, `${mod}.vvp`), file]);
      expect(r.out).toBe('');
      expect(r.code).toBe(0);
    });

    it(`${t.name}: yosys reads it, no latches, check passes`, async () => {
      let log = '';
      const sink = (b: Uint8Array | null) => { if (b) log += new TextDecoder().decode(b); };
      const script = `read_verilog ${t.name}; hierarchy -check -top ${mod}; proc; check -assert; ` +
        'select -assert-none t:$dlatch t:$adlatch t:$sr t:$dlatchsr';
      await expect(
        Promise.resolve(runYosys(['-q', '-p', script], { [t.name]: t.text }, { stdout: sink, stderr: sink })),
      ).resolves.toBeDefined();
      expect(log).not.toMatch(/ERROR|Warning/i);
    });
  }
});

/**
 * The scripted UART run (simulateUart, sim/uart_harness.cpp without -i): all
 * bytes written up front and played back to back. Here on the framed-protocol
 * top around a four-element activation layer (8-bit in and out, ReLU).
 */
describe('scripted UART runs of the protocol top (Verilator, CXXRTL)', () => {
  const CLKS = 8;
  const layer = designFromSpec({ kind: 'activation', name: 'act4', n: 4, function: 'relu' });
  const design = protoDesign(layer.rtl(), { clksPerBit: CLKS });
  const vectors = [[0, 1, -1, 127], [-128, 64, -64, 5], [3, -3, 100, -100]];
  const frameIn = (x: number[]) => [...encodeFrame(CMD.LOAD_INPUT, encodeValues(x, 8))];
  const answer = (x: number[]) => [...encodeFrame(answerCode(CMD.LOAD_INPUT), encodeValues(reference(layer, x).y, 8))];

  // The device carries out one frame at a time (the host waits for each answer), so a scripted run sends one frame.
  it('each LOAD_INPUT frame is answered with the model\'s outputs, busy spanning the command', async () => {
    expect(vectors.map((x) => reference(layer, x).y)).toEqual([[0, 1, 0, 127], [0, 64, 0, 5], [3, 0, 100, 0]]);
    for (const x of vectors) {
      const want = answer(x);
      const r = await simulateUart(design, frameIn(x), want.length, { clksPerBit: CLKS });
      expect(r.bytes).toEqual(want);
      expect(r.frameErr).toBe(false);
      expect(r.ovf).toBe(false);
      expect(r.txFrameErrors).toBe(0);
      expect(r.busy).toBe(false);
      expect(r.busyEdges[0].busy).toBe(true);
      // busy falls after the stop bit of the last answer byte (sampled half a bit earlier by the harness)
      const fall = r.busyEdges[r.busyEdges.length - 1];
      const lastByte = r.byteCycles[r.byteCycles.length - 1];
      expect(fall.busy).toBe(false);
      expect(fall.cycle).toBeGreaterThan(lastByte);
      expect(fall.cycle).toBeLessThanOrEqual(lastByte + CLKS);
    }
  });

  it('the UART harness on CXXRTL (WebAssembly) gives the same bytes, cycles and busy edges as on Verilator', async () => {
    const want = answer(vectors[1]);
    const go = (simulator: 'verilator' | 'cxxrtl') => simulateUart(design, frameIn(vectors[1]), want.length, { clksPerBit: CLKS, simulator });
    const [v, c] = await Promise.all([go('verilator'), go('cxxrtl')]);
    expect(v.simulator).toBe('verilator');
    expect(c.simulator).toBe('cxxrtl');
    const strip = ({ buildSeconds: _b, cached: _c, simulator: _s, ...rest }: Awaited<ReturnType<typeof go>>) => rest;
    expect(strip(c)).toEqual(strip(v));
    expect(c.bytes).toEqual(want);
  });

  it('a byte with a low stop bit raises frame_err and is dropped; the next frame is answered', async () => {
    const bytesIn = [0x5a, ...frameIn(vectors[2])];
    const r = await simulateUart(design, bytesIn, answer(vectors[2]).length, { clksPerBit: CLKS, badStopBits: [0] });
    expect(r.frameErr).toBe(true);
    expect(r.bytes).toEqual(answer(vectors[2]));
  });
});
