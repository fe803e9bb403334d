/**
 * Resource and timing check of a generated FFT on the iCE40 UP5K, through
 * YoWASP yosys (`synth_ice40 -device u -dsp`) and nextpnr-ice40 (--up5k
 * --package sg48, placement of the pins left free). Used by
 * bench/fft-fit.ts and by the yosys acceptance test.
 *
 * The FFT's ports (2 x 16-bit lanes in and out plus handshakes, ~72 pins)
 * do not fit the 39 I/O of the sg48 package, so the fit wraps the design
 * (fitWrapper): s_data comes from a 1-pin serial shift register and m_data is
 * XOR-reduced to one pin through a register, so every output bit stays live
 * and every path the design has is still timed. The wrapper adds about
 * 2 x (lanes x width) flip-flops and a small XOR tree; the figures include it.
 */
import type { SourceFile } from '../verilog/index.ts';
import type { FftDesign } from './rtl.ts';
import { partOf, type FileContent } from '../target/index.ts';
import { runYowaspTool, type Tree } from '../flow/yowasp.ts';

/** The part and package the fit places on (the iCEBreaker's UP5K in its 48-pin package). */
const FIT_PART = 'UP5K';
const FIT_PACKAGE = 'sg48';

export interface YosysResult {
  /** cell type -> count in the synthesised netlist (top module, flattened) */
  cells: Record<string, number>;
  json: string;
  log: string;
  seconds: number;
}

export interface FitResult {
  top: string;
  cells: Record<string, number>;
  /** nextpnr utilisation: ICESTORM_LC, ICESTORM_RAM, ICESTORM_DSP, SB_IO, ... */
  utilization: Record<string, { used: number; available: number }>;
  lc: number;
  /** LUT4s actually used (yosys SB_LUT4 cells; an LC without its LUT is a bare FF or carry) */
  lut4: number;
  ff: number;
  ebr: number;
  dsp: number;
  fmaxMHz: number | null;
  yosysSeconds: number;
  nextpnrSeconds: number;
  nextpnrLog: string;
}

const text = (c: FileContent | undefined): string => (c === undefined ? '{}' : typeof c === 'string' ? c : new TextDecoder().decode(c));

function toTree(sources: readonly SourceFile[]): Tree {
  const t: Tree = {};
  for (const s of sources) t[s.name] = s.text;
  return t;
}

/** The serial-in / XOR-out wrapper that lets the design be placed in a 48-pin package. */
export function fitWrapper(design: FftDesign): SourceFile {
  const inBits = design.io.inLanes * design.io.inWidth;
  const outBits = design.io.outLanes * design.io.outWidth;
  const name = `${design.top}_fitwrap`;
  const text = `// ${name}: pin-count wrapper for place and route only (circa src/fft/fit.ts).
// s_data is shifted in serially from one pin; m_data is registered and XOR-reduced to one pin;
// the other inputs are registered so that only register-to-register paths are timed.
module ${name} (
    input  wire clk,
    input  wire rst,
    input  wire s_valid,
    input  wire s_din,
    input  wire s_last,
    output wire s_ready,
    output reg  m_valid_q,
    input  wire m_ready,
    output reg  m_xor,
    output reg  m_last_q,
    output wire ovf
);
    reg  [${inBits - 1}:0] s_shift;
    reg  [${outBits - 1}:0] m_q;
    reg  s_valid_q, s_last_q, m_ready_q, rst_q;
    wire m_valid, m_last;
    wire [${outBits - 1}:0] m_data;
    wire [${design.io.outLanes - 1}:0] m_keep;
    always @(posedge clk) begin
        s_shift   <= {s_shift[${inBits - 2}:0], s_din};
        rst_q     <= rst;
        s_valid_q <= s_valid;
        s_last_q  <= s_last;
        m_ready_q <= m_ready;
        m_q       <= m_data;
        m_xor     <= ^{m_q, m_keep};
        m_valid_q <= m_valid;
        m_last_q  <= m_last;
    end
    ${design.top} u_dut (
        .clk(clk), .rst(rst_q),
        .s_valid(s_valid_q), .s_ready(s_ready), .s_data(s_shift), .s_last(s_last_q),
        .m_valid(m_valid), .m_ready(m_ready_q), .m_data(m_data), .m_keep(m_keep), .m_last(m_last),
        .ovf(ovf)
    );
endmodule
`;
  return { name: `${name}.v`, text };
}

/** yosys synth_ice40 for the UltraPlus with DSP inference; returns the netlist and cell counts. */
export async function synthIce40(sources: readonly SourceFile[], top: string): Promise<YosysResult> {
  // the synthesis script of circa build for the part (the target's synthesisScript), then the JSON netlist
  const script = `${partOf(FIT_PART).target.synthesisScript({ sources: sources.filter((s) => s.name.endsWith('.v')), top, part: FIT_PART })}write_json netlist.json\n`;
  const t0 = performance.now();
  // in a worker thread (src/flow/yowasp.ts), as circa build runs it
  const run = await runYowaspTool('yosys', ['-q', '-l', 'yosys.log', '-s', 'synth.ys'], { ...toTree(sources), 'synth.ys': script });
  if (run.failure) {
    throw new Error(`yosys failed for ${top}: ${run.log.split('\n').filter((l) => /ERROR/i.test(l)).join('\n') || run.failure}`);
  }
  const out = run.tree;
  const seconds = (performance.now() - t0) / 1000;
  const json = out?.['netlist.json'];
  if (typeof json !== 'string' && !(json instanceof Uint8Array)) throw new Error(`yosys wrote no netlist for ${top}`);
  const text = typeof json === 'string' ? json : new TextDecoder().decode(json);
  const netlist = JSON.parse(text) as { modules: Record<string, { cells: Record<string, { type: string }> }> };
  const cells: Record<string, number> = {};
  for (const c of Object.values(netlist.modules[top]?.cells ?? {})) cells[c.type] = (cells[c.type] ?? 0) + 1;
  const ylog = out?.['yosys.log'];
  return { cells, json: text, log: typeof ylog === 'string' ? ylog : ylog instanceof Uint8Array ? new TextDecoder().decode(ylog) : run.log, seconds };
}

/** Synthesise, place and route a design (wrapped) on the UP5K and read nextpnr's report. */
export async function fitUp5k(design: FftDesign, freqMHz = 50, seed = 1): Promise<FitResult> {
  const wrap = fitWrapper(design);
  const top = wrap.name.replace(/\.v$/, '');
  const syn = await synthIce40([...design.sources, wrap], top);
  const { target } = partOf(FIT_PART);
  const step = target.placeUnpinned({ top, part: FIT_PART, package: FIT_PACKAGE, clockMHz: freqMHz, seed }, { netlist: 'netlist.json', report: 'report.json' });
  const t0 = performance.now();
  // in a worker thread (src/flow/yowasp.ts), as circa build runs it
  const run = await runYowaspTool(step.tool.yowasp, step.args, { 'netlist.json': syn.json });
  if (run.failure) {
    const err = run.log.split('\n').filter((l) => /ERROR/.test(l)).join('\n');
    throw new Error(`${step.tool.name} failed for ${top}: ${err || run.failure}`);
  }
  const out = run.tree;
  const nextpnrSeconds = (performance.now() - t0) / 1000;
  const rep = out?.['report.json'];
  const files = new Map<string, FileContent>([['netlist.json', syn.json], ['report.json', typeof rep === 'string' || rep instanceof Uint8Array ? rep : '{}']]);
  if (!step.figures) throw new Error(`${target.name}: its unpinned placement reads no figures`);
  const { cells, clocks } = step.figures(files);
  const report = JSON.parse(text(files.get('report.json'))) as { utilization?: Record<string, { used: number; available: number }> };
  return {
    top,
    cells: syn.cells,
    utilization: report.utilization ?? {},
    lc: cells.logicCells,
    lut4: cells.lut4,
    ff: cells.ff,
    ebr: cells.ebr,
    dsp: cells.dsp,
    fmaxMHz: clocks.length ? Math.min(...clocks.map((c) => c.achievedMHz)) : null,
    yosysSeconds: syn.seconds,
    nextpnrSeconds,
    nextpnrLog: run.log,
  };
}
