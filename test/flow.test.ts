/**
 * The synthesis flow and board definitions.
 *
 * The YoWASP builds use tiny designs and run one after another (vitest runs
 * the tests of one file in order), so the whole file costs about 20-30 s of
 * WebAssembly on a 2-core machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CircaError, CircaFlowError, CircaInputError } from '../src/errors.ts';
import { formatReport, runFlow, type FlowOptions, type FlowReport } from '../src/flow/index.ts';
import { listBoards, loadBoard, pcfFor, type Board } from '../src/target/ice40/boards.ts';
import { PARTS } from '../src/target/ice40/parts.ts';

const work = mkdtempSync(join(tmpdir(), 'circa-flow-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run a flow that must fail and return its error. */
async function flowError(opts: FlowOptions): Promise<CircaFlowError> {
  const err = await runFlow(opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CircaFlowError);
  return err as CircaFlowError;
}

/** The message must be the tool's story, not a WebAssembly stack. */
function expectCleanMessage(err: Error) {
  expect(err.message).not.toMatch(/RuntimeError|wasm|unreachable/i);
  expect(err.message).not.toMatch(/\n\s+at /); // no stack frames
}

const COUNTER = `
module counter(input clk, output [1:0] led);
  reg [23:0] c = 0;
  always @(posedge clk) c <= c + 1;
  assign led = ~c[23:22];  // the iCEBreaker LEDs are active low
endmodule
`;

/** Two registered 8-bit operands and a registered product: one SB_MAC16 with -dsp. */
const MULT8 = `
module mult8(input clk, input uart_rx, output uart_tx, output [1:0] led);
  reg [7:0] a = 0, b = 0;
  reg [15:0] p = 0;
  always @(posedge clk) begin
    a <= {a[6:0], uart_rx};
    b <= {b[6:0], a[7]};
    p <= a * b;
  end
  assign uart_tx = ^p;
  assign led = p[15:14];
endmodule
`;

describe('runFlow through YoWASP', () => {
  const icebreaker = loadBoard('icebreaker');
  let counterReport: FlowReport;

  it('builds a counter for the iCEBreaker', async () => {
    const outDir = join(work, 'counter');
    const steps: string[] = [];
    const r = await runFlow({
      sources: [{ name: 'counter.v', text: COUNTER }],
      top: 'counter',
      board: icebreaker,
      pcf: pcfFor(icebreaker, { clk: 'clk', leds: ['led[0]', 'led[1]'] }),
      toolchain: 'yowasp',
      outDir,
      onProgress: (s) => steps.push(s),
      // one line per step start: the "still running" heartbeat (flow.steps.test.ts) would add lines when a step passes 10 s under load
      progressEveryMs: 0,
    });
    counterReport = r;
    // Wall time per step, for the record.
    console.log(`counter on icebreaker via YoWASP: yosys ${r.seconds.yosys} s, nextpnr ${r.seconds.nextpnr} s, icepack ${r.seconds.icepack} s`);

    expect(r.part).toBe('UP5K');
    expect(r.board).toBe('icebreaker');
    expect(r.seed).toBe(1);
    expect(r.bitstream).toBe(join(outDir, 'counter.bin'));
    expect(statSync(r.bitstream).size).toBeGreaterThan(0);
    expect(r.cells.lut).toBeGreaterThan(0);
    expect(r.cells.ff).toBeGreaterThanOrEqual(24);
    expect(r.cells.carry).toBeGreaterThan(0);
    expect(r.cells.io).toBe(3);
    expect(r.cells.dsp).toBe(0);
    expect(r.limits).toEqual(PARTS.UP5K.limits);
    expect(r.fmaxMHz).toBeGreaterThan(12);
    expect(r.targetMHz).toBe(12);
    expect(r.timingMet).toBe(true);
    expect(r.clocks).toHaveLength(1);
    expect(steps.map((s) => s.split(':')[0])).toEqual(['yosys', 'nextpnr-ice40', 'icepack']);

    // Everything lands in outDir; report.json is the FlowReport.
    for (const f of ['counter.v', 'synth.ys', 'counter.pcf', 'netlist.json', 'yosys.log', 'nextpnr.log', 'nextpnr-report.json', 'counter.asc']) {
      expect(existsSync(join(outDir, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8'))).toEqual(r);
    expect(readFileSync(r.logs.yosys, 'utf8')).toContain('SYNTH_ICE40');
    expect(readFileSync(r.logs.nextpnr, 'utf8')).toContain('Max frequency');
  });

  it('formats a report', () => {
    const text = formatReport(counterReport);
    expect(text).toMatch(/logic cells\s+\d+\s+5280\s+\d+\.\d%/);
    expect(text).toMatch(new RegExp(`  LUT4\\s+${counterReport.cells.lut4}\\s+5280`));
    expect(counterReport.cells.lut4).toBeGreaterThan(0);
    expect(text).toMatch(/DSP \(SB_MAC16\)\s+0\s+8\s+0\.0%/);
    expect(text).toMatch(/Fmax \d+\.\d\d MHz vs target 12 MHz: PASS/);
    expect(formatReport({ ...counterReport, timingMet: false })).toContain(': FAIL');
  });

  it('maps a registered 8x8 multiply onto SB_MAC16 on UltraPlus', async () => {
    const r = await runFlow({
      sources: [{ name: 'mult8.v', text: MULT8 }],
      top: 'mult8',
      board: icebreaker,
      pcf: pcfFor(icebreaker, { clk: 'clk', uart_rx: 'uart_rx', uart_tx: 'uart_tx', leds: ['led[0]', 'led[1]'] }),
      toolchain: 'yowasp',
      outDir: join(work, 'mult8'),
    });
    expect(r.cells.dsp).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(work, 'mult8', 'synth.ys'), 'utf8')).toContain('-device u -dsp');
    expect(formatReport(r)).toContain('optimistic');
  });

  it('reports a design that does not fit as one CircaFlowError with the ERROR line', async () => {
    // 1400 flip-flops in a shift register: each needs its own logic cell, the HX1K has 1280.
    const icestick = loadBoard('icestick');
    const outDir = join(work, 'toobig');
    const err = await flowError({
      sources: [{
        name: 'shift.v',
        text: `module shift(input clk, input d, output q);
  reg [1399:0] s = 0;
  always @(posedge clk) s <= {s[1398:0], d};
  assign q = s[1399];
endmodule
`,
      }],
      top: 'shift',
      board: icestick,
      pcf: pcfFor(icestick, { clk: 'clk', uart_rx: 'd', uart_tx: 'q' }),
      toolchain: 'yowasp',
      outDir,
    });
    expect(err.message).toContain('nextpnr-ice40 failed');
    expect(err.message).toContain('ERROR');
    expect(err.message).toMatch(/ICESTORM_LC/);
    expect(err.message).toContain(join(outDir, 'nextpnr.log'));
    expect(err.logPath).toBe(join(outDir, 'nextpnr.log'));
    expect(err.exitCode).toBe(1);
    expectCleanMessage(err);
    expect(readFileSync(join(outDir, 'nextpnr.log'), 'utf8')).toContain('ERROR: Unable to place cell');
    expect(existsSync(join(outDir, 'shift.bin'))).toBe(false);
  });

  it('enforces the UP3K limits that nextpnr does not (and recovers from the previous abort)', async () => {
    // A user board file with a UP3K (4 DSPs); nextpnr places it on the UP5K database (8 DSPs).
    const up3k: Board = { ...icebreaker, name: 'up3k-test', part: 'UP3K', device: 'up3k' };
    const muls = [0, 1, 2, 3, 4].map((i) => `p${i} <= a${i} * b${i};`).join(' ');
    const regs = [0, 1, 2, 3, 4].map((i) => `reg [7:0] a${i} = 0, b${i} = 0; reg [15:0] p${i} = 0;`).join('\n');
    const shifts = [0, 1, 2, 3, 4]
      .map((i) => `a${i} <= {a${i}[6:0], ${i ? `b${i - 1}[7]` : 'uart_rx'}}; b${i} <= {b${i}[6:0], a${i}[7]};`)
      .join('\n');
    const text = `module five(input clk, input uart_rx, output uart_tx);
${regs}
always @(posedge clk) begin
${shifts}
${muls}
end
assign uart_tx = ^{p0, p1, p2, p3, p4};
endmodule
`;
    const err = await flowError({
      sources: [{ name: 'five.v', text }],
      top: 'five',
      board: up3k,
      pcf: pcfFor(up3k, { clk: 'clk', uart_rx: 'uart_rx', uart_tx: 'uart_tx' }),
      toolchain: 'yowasp',
      outDir: join(work, 'up3k'),
    });
    expect(err.message).toContain('does not fit iCE40UP3K');
    expect(err.message).toMatch(/ERROR: dsp 5 used, 4 available/);
    expect(err.message).toContain(join(work, 'up3k', 'nextpnr.log'));
  });

  it('reports a Verilog syntax error as a CircaFlowError from yosys', async () => {
    const outDir = join(work, 'syntax');
    const err = await flowError({
      sources: [{ name: 'bad.v', text: 'module bad(input clk; endmodule\n' }],
      top: 'bad',
      board: icebreaker,
      pcf: pcfFor(icebreaker, { clk: 'clk' }),
      toolchain: 'yowasp',
      outDir,
    });
    expect(err.message).toContain('yosys failed');
    expect(err.message).toMatch(/bad\.v:1: ERROR: syntax error/);
    expect(err.message).toContain(join(outDir, 'yosys.log'));
    expectCleanMessage(err);
    expect(existsSync(join(outDir, 'yosys.log'))).toBe(true);
  });

  it('rejects bad options as CircaInputError before running anything', async () => {
    const base: FlowOptions = {
      sources: [{ name: 'counter.v', text: COUNTER }],
      top: 'counter',
      board: icebreaker,
      pcf: 'set_io clk 35\n',
      toolchain: 'yowasp',
      outDir: join(work, 'never'),
    };
    await expect(runFlow({ ...base, top: 'not a name' })).rejects.toThrow(CircaInputError);
    await expect(runFlow({ ...base, seed: -1 })).rejects.toThrow(/seed/);
    await expect(runFlow({ ...base, sources: [{ name: '../x.v', text: '' }] })).rejects.toThrow(/sources/);
    await expect(runFlow({ ...base, sources: [{ name: 'w.hex', text: '00' }] })).rejects.toThrow(/no Verilog file/);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });
});

describe('runFlow with native tools', () => {
  // scripts/setup.sh (and so .ci/run) installs the Debian tools: their absence is a failure, not a skip.

  it('says clearly when the native tools are not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = join(work, 'no-tools-here');
    try {
      const board = loadBoard('icebreaker');
      const err = await runFlow({
        sources: [{ name: 'counter.v', text: COUNTER }],
        top: 'counter',
        board,
        pcf: pcfFor(board, { clk: 'clk' }),
        toolchain: 'native',
        outDir: join(work, 'native-missing'),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CircaError);
      expect((err as Error).message).toMatch(/toolchain 'native' needs yosys, nextpnr-ice40, icepack on PATH/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('builds the counter with yosys/nextpnr-ice40/icepack from PATH', async () => {
    const board = loadBoard('icebreaker');
    const r = await runFlow({
      sources: [{ name: 'counter.v', text: COUNTER }],
      top: 'counter',
      board,
      pcf: pcfFor(board, { clk: 'clk', leds: ['led[0]', 'led[1]'] }),
      toolchain: 'native',
      outDir: join(work, 'native'),
    });
    console.log(`counter on icebreaker via native tools: yosys ${r.seconds.yosys} s, nextpnr ${r.seconds.nextpnr} s, icepack ${r.seconds.icepack} s`);
    expect(statSync(r.bitstream).size).toBeGreaterThan(0);
    expect(r.cells.lut).toBeGreaterThan(0);
    expect(r.cells.ff).toBeGreaterThan(0);
    expect(r.fmaxMHz).toBeGreaterThan(12);
  });
});

describe('boards', () => {
  it('has the six built-in boards (a new boards/<name>.json joins the list and every check below)', () => {
    expect(listBoards()).toEqual(expect.arrayContaining(['hx8k-breakout', 'icebreaker', 'icestick', 'icesugar', 'tinyfpga-bx', 'upduino-v3']));
  });

  it.each(listBoards())('loads %s', (name) => {
    const b = loadBoard(name);
    expect(b.name).toBe(name);
    expect(b.source).toMatch(/docs\/references\.md/);
    expect(PARTS[b.part as keyof typeof PARTS].nextpnrDevice).toBe(b.device);
    expect(b.clock.mhz).toBeGreaterThan(0);
    expect(b.leds.length).toBeGreaterThan(0);
  });

  it('holds the docs/references.md pins', () => {
    const ib = loadBoard('icebreaker');
    expect([ib.part, ib.package, ib.clock.pin, ib.clock.mhz]).toEqual(['UP5K', 'sg48', '35', 12]);
    expect(ib.uart).toEqual({ rx: '6', tx: '9' });
    expect(ib.leds.map((l) => [l.pin, l.activeLow])).toEqual([['11', true], ['37', true]]);
    const hx8k = loadBoard('hx8k-breakout');
    expect(hx8k.leds.map((l) => l.pin)).toEqual(['B5', 'B4', 'A2', 'A1', 'C5', 'C4', 'B3', 'C3']);
    const bx = loadBoard('tinyfpga-bx');
    expect([bx.part, bx.package, bx.clock.pin, bx.clock.mhz, bx.uart]).toEqual(['LP8K', 'cm81', 'B2', 16, null]);
    const up = loadBoard('upduino-v3');
    expect([up.clock.pin, up.uart, up.leds.every((l) => l.activeLow)]).toEqual(['20', { rx: '15', tx: '14' }, true]);
  });

  it('lists the known boards for an unknown name', () => {
    expect(() => loadBoard('icebraker')).toThrow(CircaInputError);
    expect(() => loadBoard('icebraker')).toThrow(/unknown board "icebraker"; known boards: hx8k-breakout, icebreaker, icestick/);
  });

  /** Write a board file derived from the iCEBreaker with some fields changed. */
  function boardFile(name: string, edit: (b: Record<string, unknown>) => void): string {
    const data = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'boards', 'icebreaker.json'), 'utf8'));
    edit(data);
    const file = join(work, name);
    writeFileSync(file, JSON.stringify(data));
    return file;
  }

  it('loads a user board file by path', () => {
    const file = boardFile('mine.json', (b) => { b.name = 'mine'; });
    expect(loadBoard(file).name).toBe('mine');
  });

  it('names the bad field of a user board file', () => {
    const file = boardFile('x.json', (b) => { b.uart = { rx: '6', tx: 9 }; });
    let err: unknown;
    try { loadBoard(file); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CircaInputError);
    expect((err as CircaInputError).exitCode).toBe(2);
    expect((err as Error).message).toBe(`board file ${file}: uart.tx: expected string, received number`);
  });

  it.each([
    ['missing field', (b: Record<string, unknown>) => { delete b.clock; }, /clock: expected object \(missing\)/],
    ['unknown field', (b: Record<string, unknown>) => { b.ledz = []; }, /ledz: unknown field/],
    ['unknown part', (b: Record<string, unknown>) => { b.part = 'UP9K'; }, /^board file \S+: part: expected one of "UP5K"\|"UP3K"\|"HX8K"\|"LP8K"\|"HX1K", got "UP9K"$/],
    ['device/part mismatch', (b: Record<string, unknown>) => { b.device = 'hx8k'; }, /device: expected "up5k" for part UP5K/],
    ['pin used twice', (b: Record<string, unknown>) => { (b.leds as { pin: string }[])[1].pin = '35'; }, /leds\.1\.pin: pin 35 is already used by clock\.pin/],
    ['bad pin', (b: Record<string, unknown>) => { (b.clock as { pin: string }).pin = 'pin 35'; }, /clock\.pin: expected a package pin/],
    ['bad frequency', (b: Record<string, unknown>) => { (b.clock as { mhz: number }).mhz = 0; }, /clock\.mhz: Too small/],
  ])('rejects a board file with a %s', (_what, edit, message) => {
    const file = boardFile('bad.json', edit);
    expect(() => loadBoard(file)).toThrow(CircaInputError);
    expect(() => loadBoard(file)).toThrow(message);
  });

  it('rejects unreadable and non-JSON board files', () => {
    expect(() => loadBoard(join(work, 'nope.json'))).toThrow(/cannot read it \(ENOENT\)/);
    const file = join(work, 'garbage.json');
    writeFileSync(file, '{ not json');
    expect(() => loadBoard(file)).toThrow(/not valid JSON/);
  });
});

describe('pcfFor', () => {
  it('maps clock, UART and LEDs to the board pins', () => {
    const pcf = pcfFor(loadBoard('icestick'), {
      clk: 'clk', uart_rx: 'rx', uart_tx: 'tx', leds: ['led[0]', 'led[1]', 'status'],
    });
    const sets = pcf.split('\n').filter((l) => l.startsWith('set_io')).map((l) => l.split('#')[0].trim());
    expect(sets).toEqual([
      'set_io clk 21',
      'set_io rx 9',
      'set_io tx 8',
      'set_io led[0] 99',
      'set_io led[1] 98',
      'set_io status 97',
    ]);
    expect(pcf).toMatch(/^# /); // a header naming the board
    expect(pcf).toContain('12 MHz');
  });

  it('notes active-low LEDs and maps only what is asked for', () => {
    const pcf = pcfFor(loadBoard('icebreaker'), { leds: ['r'] });
    expect(pcf).toMatch(/set_io r 11\s+# LEDR_N, active low/);
    expect(pcf).not.toContain('set_io clk');
  });

  it('refuses what the board does not have', () => {
    expect(() => pcfFor(loadBoard('tinyfpga-bx'), { uart_tx: 'tx' })).toThrow(/tinyfpga-bx has no UART/);
    expect(() => pcfFor(loadBoard('icebreaker'), { leds: ['a', 'b', 'c'] })).toThrow(/has 2 LEDs; the design asks for 3/);
    expect(() => pcfFor(loadBoard('icebreaker'), { clk: 'clk', leds: ['clk'] })).toThrow(/already mapped/);
    expect(() => pcfFor(loadBoard('icebreaker'), { clk: 'a b' })).toThrow(CircaInputError);
  });
});
