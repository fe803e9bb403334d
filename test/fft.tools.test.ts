/**
 * The FFT templates and generated designs against the tools: Verilator lint
 * (-Wall clean), Icarus (-g2005 compile, and one simulation as a second
 * opinion on the semantics), yosys (synth_ice40 -device u -dsp: DSP, EBR and
 * LUT figures of the 64-point reference design).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fromUnsigned, toHex } from '../src/fixed/index.ts';
import { fftFixed, generateFftRtl, makeFftVectors, synthIce40, type FftSpecInput } from '../src/fft/index.ts';
import { TEMPLATE_DIR, type SourceFile } from '../src/verilog/index.ts';

const run = promisify(execFile);

function withDir<T>(files: readonly SourceFile[], f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'circa-fft-'));
  for (const s of files) writeFileSync(join(dir, s.name), s.text);
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

async function lint(dir: string, files: string[], top: string, params: Record<string, number> = {}): Promise<string> {
  const args = ['--lint-only', '-Wall', '--top-module', top, ...Object.entries(params).map(([k, v]) => `-G${k}=${v}`), ...files];
  try {
    await run('verilator', args, { cwd: dir });
    return '';
  } catch (e) {
    return (e as { stderr?: string }).stderr ?? String(e);
  }
}

/** Each template with the templates it instantiates, and parameter sets that reach every generate branch. */
const TEMPLATES: { top: string; deps: string[]; params: Record<string, number>[] }[] = [
  // the one rounding block: round and fit (narrow, saturate or wrap), round only (OUT_W >= IN_W + 1 - SHIFT), fit only (SHIFT = 0)
  {
    top: 'requant',
    deps: [],
    params: [
      {}, { SAT: 0 }, { SHIFT: 0 }, { SHIFT: 1, ROUND: 0 }, { SHIFT: 1, ROUND: 1 }, { IN_W: 6, SHIFT: 2, OUT_W: 5 },
      { IN_W: 34, SHIFT: 14, OUT_W: 21 }, { IN_W: 19, SHIFT: 0, OUT_W: 16 }, { IN_W: 19, SHIFT: 0, OUT_W: 16, SAT: 0 },
      { IN_W: 16, SHIFT: 0, OUT_W: 16 }, { IN_W: 12, SHIFT: 0, OUT_W: 16 },
    ],
  },
  { top: 'fft_delay', deps: [], params: [{}, { USE_RAM: 0, LOG2_DELAY: 0 }, { USE_RAM: 0, LOG2_DELAY: 3 }] },
  {
    top: 'fft_sdf_bf',
    deps: ['requant.v', 'fft_delay.v'],
    params: [
      {}, { LOG2_DELAY: 0, ROT: 0, CNT_W: 1 }, { LOG2_DELAY: 0, ROT: 2, ROT_LOG2: 2, CNT_W: 2 },
      { LOG2_DELAY: 5, USE_RAM: 1, ROT: 0, CNT_W: 6, SHIFT: 0, W_OUT: 17 }, { ROUND: 0, SAT: 0 },
    ],
  },
  { top: 'fft_cmul', deps: ['requant.v'], params: [{}, { MULTS: 3 }, { W: 12, TW: 4, ADDR_W: 3, ROUND: 0, SAT: 0 }] },
  { top: 'fft_bitrev', deps: [], params: [{}, { LOG2_N: 2 }, { LOG2_N: 10 }] },
  { top: 'fft_skid', deps: [], params: [{}, { W: 8 }] },
];

const GENERATED: FftSpecInput[] = [
  { n: 64 },
  { n: 64, inverse: true, scaling: 'none' },
  { n: 8, dataWidth: 12, twiddleWidth: 10, rounding: 'truncate', scaling: [1, 0, 1], multipliers: 3, naturalOrder: true },
  { n: 8, inverse: true, naturalOrder: true },
  { n: 4 },
  { n: 1024, inverse: true, multipliers: 3, dataWidth: 15, twiddleWidth: 15, overflow: 'wrap' },
];

describe('fft templates and generated designs pass the tools', () => {
  it('every template is verilator -Wall clean on its own, over its generate branches', async () => {
    for (const t of TEMPLATES) {
      const files = [`${t.top}.v`, ...t.deps];
      await withDir(files.map((f) => ({ name: f, text: readFileSync(join(TEMPLATE_DIR, f), 'utf8') })), async (dir) => {
        for (const p of t.params) expect(await lint(dir, files, t.top, p), `${t.top} ${JSON.stringify(p)}`).toBe('');
      });
    }
  });

  it('generated designs are verilator -Wall clean and Icarus -g2005 compiles them', async () => {
    for (const spec of GENERATED) {
      const d = generateFftRtl(spec);
      await withDir(d.sources, async (dir) => {
        const files = d.sources.map((s) => s.name);
        expect(await lint(dir, files, d.top), d.top).toBe('');
        const { stderr } = await run('iverilog', ['-g2005', '-Wall', '-o', join(dir, 'a.vvp'), '-s', d.top, ...files], { cwd: dir });
        expect(stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
      });
    }
  });

  it('Icarus simulates fft8 (reorder buffer, 3 multipliers) bit-exactly under backpressure, as Verilator does', async () => {
    const d = generateFftRtl({ ...GENERATED[2], name: 'ic_fft8' });
    const vectors = makeFftVectors(20, 8, d.plan.inWidth, 3);
    const iw = d.plan.inWidth;
    const ow = d.plan.outWidth;
    const words = vectors.flatMap((v) => v.x.map(([re, im]) => toHex(im, iw) + toHex(re, iw)));
    const total = words.length;
    const tb = `\`timescale 1ns/1ps
module tb;
    reg clk = 1'b0, rst = 1'b1, s_valid = 1'b0, s_last = 1'b0, m_ready = 1'b0;
    reg  [${2 * iw - 1}:0] s_data = 0;
    wire s_ready, m_valid, m_last, ovf;
    wire [${2 * ow - 1}:0] m_data;
    wire [1:0] m_keep;
    reg  [${2 * iw - 1}:0] mem [0:${total - 1}];
    integer sent = 0, got = 0, cycles = 0, f, seed = 7;
    ${d.top} dut (.clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_data(s_data), .s_last(s_last),
        .m_valid(m_valid), .m_ready(m_ready), .m_data(m_data), .m_keep(m_keep), .m_last(m_last), .ovf(ovf));
    always #5 clk = ~clk;
    initial begin
        $readmemh("in.hex", mem);
        f = $fopen("out.txt", "w");
        repeat (4) @(posedge clk);
        rst = 1'b0;
    end
    always @(posedge clk) if (!rst) begin
        cycles <= cycles + 1;
        if (s_valid && s_ready) sent <= sent + 1;
        if (m_valid && m_ready) begin
            $fdisplay(f, "%h %b", m_data, m_last);
            got <= got + 1;
            if (got + 1 == ${total}) begin
                $fdisplay(f, "ovf %b", ovf);
                $fclose(f);
                $finish;
            end
        end
        if (cycles > 100000) begin $display("timeout"); $finish; end
    end
    always @(negedge clk) if (!rst) begin
        s_valid <= (sent < ${total}) && (({$random(seed)} % 100) < 80);
        s_data  <= mem[sent < ${total} ? sent : 0];
        s_last  <= (sent % 8) == 7;
        m_ready <= ({$random(seed)} % 100) < 70;
    end
endmodule
`;
    await withDir([...d.sources, { name: 'tb.v', text: tb }, { name: 'in.hex', text: words.join('\n') + '\n' }], async (dir) => {
      await run('iverilog', ['-g2005', '-o', 'sim.vvp', '-s', 'tb', 'tb.v', ...d.sources.map((s) => s.name)], { cwd: dir });
      await run('vvp', ['-n', 'sim.vvp'], { cwd: dir });
      const lines = readFileSync(join(dir, 'out.txt'), 'utf8').trim().split('\n');
      const ovfLine = lines.pop()!;
      expect(lines.length).toBe(total);
      const got = lines.map((l) => {
        const [hex, last] = l.split(' ');
        const v = BigInt(`0x${hex}`);
        const mask = (1n << BigInt(ow)) - 1n;
        return { re: fromUnsigned(v & mask, ow), im: fromUnsigned((v >> BigInt(ow)) & mask, ow), last: last === '1' };
      });
      const runs = vectors.map((v) => fftFixed(d.plan, v.x));
      const want = runs.flatMap((r) => r.y.map(([re, im], i) => ({ re, im, last: i === 7 })));
      expect(got).toEqual(want);
      expect(ovfLine).toBe(`ovf ${runs.some((r) => r.overflow) ? 1 : 0}`);
    });
  });

  it('yosys maps the 64-point 16-bit FFT onto 8 SB_MAC16, EBR for the 32-word delay line and the 64-word ROM, < 3000 LUTs', async () => {
    const d = generateFftRtl({ n: 64 });
    const r = await synthIce40(d.sources, d.top);
    expect(r.cells.SB_MAC16).toBe(8);
    // delay line 32 x 34 bits: 3 blocks; twiddle ROM 64 x 48 bits: 3 blocks
    expect(r.cells.SB_RAM40_4K).toBe(6);
    expect(r.cells.SB_LUT4).toBeLessThan(3000);
  });
});
