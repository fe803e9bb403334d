import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runYosys } from '@yowasp/yosys';
import {
  emitUartTop, templatesForUart, uartByteCounts, uartEncodeVector, uartEncodeValues, uartDecodeValues,
  UART_TOP_MODULE, type UartTopOptions,
} from '../src/network/uart.ts';
import { simulateUart } from '../src/sim/uart.ts';
import { simulateStream } from '../src/sim/stream.ts';
import type { SourceFile } from '../src/verilog/index.ts';

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

/** Test layer: x + 1 saturated from IN_W to OUT_W bits, gathered LANES per beat. */
const PASS_LAYER: SourceFile = {
  name: 'test_pass_layer.v',
  text: `// Test layer for the UART bridge: y = sat(x + 1), LANES values per output beat.
// The last beat of a vector keeps only the lanes it filled.
module test_pass_layer #(
  parameter IN_W  = 12,
  parameter OUT_W = 10,
  parameter LANES = 3
) (
  input  wire                   clk,
  input  wire                   rst,
  input  wire                   s_valid,
  output wire                   s_ready,
  input  wire [IN_W-1:0]        s_data,
  input  wire                   s_last,
  output reg                    m_valid,
  input  wire                   m_ready,
  output reg  [LANES*OUT_W-1:0] m_data,
  output reg  [LANES-1:0]       m_keep,
  output reg                    m_last,
  output reg                    ovf
);
  localparam IDX_W = (LANES > 1) ? $clog2(LANES) : 1;
  localparam integer LAST_LANE_I = LANES - 1;
  localparam [IDX_W-1:0] LAST_LANE = LAST_LANE_I[IDX_W-1:0];
  localparam signed [IN_W:0] MAXV = (1 <<< (OUT_W - 1)) - 1;
  localparam signed [IN_W:0] MINV = -(1 <<< (OUT_W - 1));

  wire signed [IN_W:0] inc = $signed({s_data[IN_W-1], s_data}) + $signed({{IN_W{1'b0}}, 1'b1});
  wire too_big   = inc > MAXV;
  wire too_small = inc < MINV;
  wire [OUT_W-1:0] y = too_big ? MAXV[OUT_W-1:0] : too_small ? MINV[OUT_W-1:0] : inc[OUT_W-1:0];

  // gather register: filled lane by lane, moved to the output register when full
  reg [LANES*OUT_W-1:0] g_data;
  reg [LANES-1:0]       g_keep;
  reg                   g_last;
  reg                   g_full;
  reg [IDX_W-1:0]       g_idx;

  assign s_ready = !g_full;
  wire take = s_valid && s_ready;
  wire move = g_full && (!m_valid || m_ready);

  always @(posedge clk) begin
    if (rst) begin
      g_data <= {(LANES*OUT_W){1'b0}};
      g_keep <= {LANES{1'b0}};
      g_last <= 1'b0;
      g_full <= 1'b0;
      g_idx  <= {IDX_W{1'b0}};
      m_valid <= 1'b0;
      m_data  <= {(LANES*OUT_W){1'b0}};
      m_keep  <= {LANES{1'b0}};
      m_last  <= 1'b0;
      ovf     <= 1'b0;
    end else begin
      if (m_valid && m_ready) m_valid <= 1'b0;
      if (move) begin
        m_valid <= 1'b1;
        m_data  <= g_data;
        m_keep  <= g_keep;
        m_last  <= g_last;
        g_full  <= 1'b0;
        g_keep  <= {LANES{1'b0}};
        g_idx   <= {IDX_W{1'b0}};
      end
      if (take) begin
        g_data[g_idx*OUT_W +: OUT_W] <= y;
        g_keep[g_idx] <= 1'b1;
        if (too_big || too_small) ovf <= 1'b1;
        if (g_idx == LAST_LANE || s_last) begin
          g_full <= 1'b1;
          g_last <= s_last;
        end else begin
          g_idx <= g_idx + 1'b1;
        end
      end
    end
  end
endmodule
`,
};

const CLKS = 8;
const OPTS: UartTopOptions = {
  layerModule: 'test_pass_layer',
  layerParams: { IN_W: 12, OUT_W: 10, LANES: 3 },
  inLanes: 1,
  inWidth: 12,
  inBeats: 8,
  outLanes: 3,
  outWidth: 10,
  clksPerBit: CLKS,
};
const OUT_VALUES = 8;
const top = emitUartTop(OPTS);
const design = { sources: [...templatesForUart(), PASS_LAYER, top], top: UART_TOP_MODULE };

const sat10 = (x: number) => Math.max(-512, Math.min(511, x));
const inputBytes = (vec: number[]) => uartEncodeVector(vec.map((x) => [x]), 1, 12);
const expectedBytes = (vec: number[]) => uartEncodeValues(vec.map((x) => sat10(x + 1)), 10);

describe('UART templates: lint, Icarus, yosys', () => {
  const templates = templatesForUart();

  it('lists the four templates', () => {
    expect(templates.map((t) => t.name).sort()).toEqual(
      ['lanes_to_uart_bytes.v', 'uart_bytes_to_words.v', 'uart_rx.v', 'uart_tx.v'],
    );
  });

  // Each template alone, with its defaults and with parameters that take the other generate branches.
  const params: Record<string, string[][]> = {
    uart_rx: [[], ['-GCLKS_PER_BIT=8'], ['-GCLKS_PER_BIT=4'], ['-GCLKS_PER_BIT=217']],
    uart_tx: [[], ['-GCLKS_PER_BIT=8'], ['-GCLKS_PER_BIT=4'], ['-GCLKS_PER_BIT=217']],
    uart_bytes_to_words: [[], ['-GW=12', '-GWORDS=8'], ['-GW=16', '-GWORDS=3'], ['-GW=5', '-GWORDS=1'], ['-GW=40', '-GWORDS=5']],
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

  it('the generated top with a layer is lint-clean and Icarus accepts it', async () => {
    const files = writeSources(design.sources);
    const lint = await tool('verilator', ['--lint-only', '-Wall', '--top-module', UART_TOP_MODULE, ...files]);
    expect(lint.out).toBe('');
    expect(lint.code).toBe(0);
    const ivl = await tool('iverilog', ['-g2005', '-Wall', '-s', UART_TOP_MODULE, '-o', join(work, 'top.vvp'), ...files]);
    expect(ivl.out).toBe('');
    expect(ivl.code).toBe(0);
  });
});

describe('UART bridge API', () => {
  it('counts bytes per vector', () => {
    expect(uartByteCounts({ inLanes: 1, inWidth: 12, inBeats: 8, outWidth: 10, outValues: 8 })).toEqual({ inBytes: 16, outBytes: 16 });
    expect(uartByteCounts({ inLanes: 4, inWidth: 8, inBeats: 196, outWidth: 8, outValues: 10 })).toEqual({ inBytes: 784, outBytes: 10 });
    expect(uartByteCounts({ inLanes: 3, inWidth: 5, inBeats: 2, outWidth: 17, outValues: 3 })).toEqual({ inBytes: 4, outBytes: 9 });
  });

  it('encodes little-endian, sign-extended, and decodes back', () => {
    expect(uartEncodeValues([-5, 300], 10)).toEqual([0xfb, 0xff, 0x2c, 0x01]);
    expect(uartDecodeValues([0xfb, 0xff, 0x2c, 0x01], 10)).toEqual([-5, 300]);
    expect(uartEncodeVector([[1, -1]], 2, 6)).toEqual([0xc1, 0x0f]); // 6-bit lanes 000001, 111111 packed
  });

  it('writes the protocol and parameters into the header and rejects bad options', () => {
    expect(top.text).toMatch(/^\/\/ circa_uart_top/);
    expect(top.text).toContain('little-endian');
    expect(top.text).toContain('clksPerBit = 8');
    expect(top.text).toMatch(/test_pass_layer #\(\s*\n\s*\.IN_W\s+\(12\)/);
    expect(() => emitUartTop({ ...OPTS, clksPerBit: 2 })).toThrow(/clksPerBit/);
    expect(() => emitUartTop({ ...OPTS, inBeats: 0 })).toThrow(/inBeats/);
    expect(() => emitUartTop({ ...OPTS, layerModule: 'bad name' })).toThrow(/layerModule/);
  });
});

describe('UART bridge end to end (Verilator)', () => {
  const counts = uartByteCounts({ ...OPTS, outValues: OUT_VALUES });
  const vectors = [
    [0, 1, -1, 2, -2, 300, -300, 7],
    [-512, 510, 509, -513, 100, -100, 0, 42], // extremes that still fit: 510 + 1 = 511, -513 + 1 = -512
    [123, -7, 64, -64, 255, -256, 17, -18],
  ];

  it('three vectors sent back to back come back encoded, with busy spanning them', async () => {
    const bytesIn = vectors.flatMap(inputBytes);
    const want = vectors.flatMap(expectedBytes);
    expect(bytesIn.length).toBe(3 * counts.inBytes);
    expect(want.length).toBe(3 * counts.outBytes);
    const r = await simulateUart(design, bytesIn, want.length, { clksPerBit: CLKS });
    expect(r.bytes).toEqual(want);
    expect(uartDecodeValues(r.bytes, 10)).toEqual(vectors.flat().map((x) => sat10(x + 1)));
    expect(r.frameErr).toBe(false);
    expect(r.ovf).toBe(false);
    expect(r.txFrameErrors).toBe(0);
    expect(r.busy).toBe(false);
    // Back to back, busy rises once at the first byte and falls once, after the
    // stop bit of the last answer byte (sampled half a bit earlier by the harness).
    expect(r.busyEdges.map((e) => e.busy)).toEqual([true, false]);
    const firstByteDone = 2 * CLKS + 10 * CLKS; // idle lead-in + one frame
    expect(r.busyEdges[0].cycle).toBeGreaterThan(firstByteDone - CLKS);
    expect(r.busyEdges[0].cycle).toBeLessThan(firstByteDone + CLKS);
    const lastByte = r.byteCycles[r.byteCycles.length - 1];
    expect(r.busyEdges[1].cycle).toBeGreaterThan(lastByte);
    expect(r.busyEdges[1].cycle).toBeLessThanOrEqual(lastByte + CLKS);
    // The answer keeps pace with the line: the transmitter never falls behind by more than a few bytes.
    expect(r.cycles).toBeLessThan((bytesIn.length + 12) * 10 * CLKS);
  });

  it('the UART harness on CXXRTL (WebAssembly) gives the same bytes, cycles and busy edges as on Verilator', async () => {
    const bytesIn = vectors.flatMap(inputBytes);
    const want = vectors.flatMap(expectedBytes);
    const run = (simulator: 'verilator' | 'cxxrtl') => simulateUart(design, bytesIn, want.length, { clksPerBit: CLKS, simulator });
    const [v, c] = await Promise.all([run('verilator'), run('cxxrtl')]);
    expect(v.simulator).toBe('verilator');
    expect(c.simulator).toBe('cxxrtl');
    const strip = ({ buildSeconds: _b, cached: _c, simulator: _s, ...rest }: Awaited<ReturnType<typeof run>>) => rest;
    expect(strip(c)).toEqual(strip(v));
    expect(c.bytes).toEqual(want);
  });

  it('one vector at a time: busy rises and falls per vector', async () => {
    // A gap of idle between vectors: send vector 0, then vector 1 after its answer would be out.
    const r0 = await simulateUart(design, inputBytes(vectors[0]), counts.outBytes, { clksPerBit: CLKS });
    expect(r0.bytes).toEqual(expectedBytes(vectors[0]));
    expect(r0.busyEdges.map((e) => e.busy)).toEqual([true, false]);
  });

  it('a saturating value raises ovf and is sent saturated', async () => {
    const vec = [2047, -2048, 511, -512, 0, 0, 0, 0];
    const r = await simulateUart(design, inputBytes(vec), counts.outBytes, { clksPerBit: CLKS });
    expect(r.bytes).toEqual(expectedBytes(vec));
    expect(uartDecodeValues(r.bytes, 10).slice(0, 4)).toEqual([511, -512, 511, -511]);
    expect(r.ovf).toBe(true);
    expect(r.frameErr).toBe(false);
  });

  it('a byte with a low stop bit raises frame_err and is dropped', async () => {
    const vec = vectors[2];
    // A stray byte with a bad stop bit, then a whole good vector.
    const bytesIn = [0x5a, ...inputBytes(vec)];
    const r = await simulateUart(design, bytesIn, counts.outBytes, { clksPerBit: CLKS, badStopBits: [0] });
    expect(r.frameErr).toBe(true);
    // The bad byte was dropped, so the vector still lines up.
    expect(r.bytes).toEqual(expectedBytes(vec));
    expect(r.ovf).toBe(false);
  });

  it('without the bad stop bit the same stray byte shifts the vector (control)', async () => {
    const vec = vectors[2];
    const bytesIn = [0x5a, ...inputBytes(vec)];
    // 17 bytes: one vector completes (with shifted words), one byte is left over, busy stays high.
    const r = await simulateUart(design, bytesIn, counts.outBytes, { clksPerBit: CLKS, waitIdle: false });
    expect(r.frameErr).toBe(false);
    expect(r.bytes).not.toEqual(expectedBytes(vec));
    expect(r.busy).toBe(true);
  });
});

/**
 * Byte loop for backpressure tests of the two byte converters with the stream
 * harness (random valid and ready): bytes -> uart_bytes_to_words -> a beat of
 * LANES lanes of LW bits with the keep mask in the bits above them ->
 * lanes_to_uart_bytes -> bytes. Output beats are single bytes, m_last marks
 * the last byte of a vector.
 */
const LOOP_LANES = 3;
const LOOP_LW = 10;
const LOOP_WORDS = 2;
const LOOP_W = LOOP_LANES * LOOP_LW + LOOP_LANES; // 33 bits -> 5 bytes, 7 padding bits
const BYTE_LOOP: SourceFile = {
  name: 'test_byte_loop.v',
  text: `module test_byte_loop (
  input  wire       clk,
  input  wire       rst,
  input  wire       s_valid,
  output wire       s_ready,
  input  wire [7:0] s_data,
  input  wire       s_last,
  output wire       m_valid,
  input  wire       m_ready,
  output wire [7:0] m_data,
  output wire [0:0] m_keep,
  output wire       m_last,
  output wire       ovf
);
  localparam LANES = ${LOOP_LANES};
  localparam LW    = ${LOOP_LW};
  localparam W     = ${LOOP_W};
  wire         w_valid, w_ready, w_last, at_start;
  wire [W-1:0] w_data;
  uart_bytes_to_words #(.W(W), .WORDS(${LOOP_WORDS})) u_gather (
    .clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_data(s_data), .at_vector_start(at_start),
    .m_valid(w_valid), .m_ready(w_ready), .m_data(w_data), .m_last(w_last));
  lanes_to_uart_bytes #(.LANES(LANES), .W(LW)) u_serial (
    .clk(clk), .rst(rst), .s_valid(w_valid), .s_ready(w_ready), .s_data(w_data[LANES*LW-1:0]),
    .s_keep(w_data[W-1:LANES*LW]), .s_last(w_last),
    .m_valid(m_valid), .m_ready(m_ready), .m_data(m_data), .m_last(m_last));
  assign m_keep = 1'b1;
  assign ovf    = 1'b0;
  wire unused_ok = &{1'b0, s_last, at_start};
endmodule
`,
};

describe('byte converters under random backpressure (Verilator, stream harness)', () => {
  // Every vector keeps 3 lanes in all, spread over its 2 beats, the last beat keeping at least one.
  const keepPatterns: [number, number][] = [[0b011, 0b100], [0b101, 0b010], [0b001, 0b011], [0b000, 0b111], [0b110, 0b001], [0b010, 0b101]];
  const loopDesign = {
    sources: [...templatesForUart().filter((t) => !/uart_(rx|tx)\.v$/.test(t.name)), BYTE_LOOP],
    top: 'test_byte_loop',
    io: { inLanes: 1, inWidth: 8, outLanes: 1, outWidth: 8, inBeats: 2 * 5, outBeats: 3 * 2 },
  };
  // Deterministic pseudo-random lane values and padding junk.
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const nvec = 40;
  const vectors: number[][][] = [];
  const expected: number[][] = [];
  for (let k = 0; k < nvec; k++) {
    const keeps = keepPatterns[k % keepPatterns.length];
    const inBytes: number[] = [];
    const out: number[] = [];
    for (const keep of keeps) {
      const lanes = Array.from({ length: LOOP_LANES }, () => rnd(1024) - 512);
      let word = BigInt(keep) << BigInt(LOOP_LANES * LOOP_LW);
      lanes.forEach((x, l) => { word |= BigInt(x & 0x3ff) << BigInt(l * LOOP_LW); });
      word |= BigInt(rnd(128)) << BigInt(LOOP_W); // padding bits 33..39: must be ignored
      for (let b = 0; b < 5; b++) inBytes.push(Number((word >> BigInt(8 * b)) & 0xffn));
      lanes.forEach((x, l) => { if ((keep >> l) & 1) out.push(...uartEncodeValues([x], LOOP_LW)); });
    }
    // stream harness lanes are signed 8-bit values
    vectors.push(inBytes.map((b) => [b >= 128 ? b - 256 : b]));
    expected.push(out);
  }

  for (const [validPct, readyPct, s] of [[100, 100, 1], [50, 30, 2], [20, 90, 3], [90, 10, 4]]) {
    it(`valid ${validPct}% ready ${readyPct}%: bytes, order and last flags survive`, async () => {
      const r = await simulateStream(loopDesign, vectors, { validPct, readyPct, seed: s });
      expect(r.outputs.map((v) => v.map((b) => b & 0xff))).toEqual(expected);
      for (const beats of r.beats) expect(beats.map((b) => b.last)).toEqual([false, false, false, false, false, true]);
    });
  }
});
