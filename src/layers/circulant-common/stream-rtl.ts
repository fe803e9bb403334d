/**
 * RTL of the streaming circulant core: a generated top that chains
 *
 *   circ_feed  -> <name>_fft -> circ_pmul (+ <name>_hrom) -> <name>_ifft -> circ_out (+ <name>_drom)
 *
 * The two FFTs are src/fft designs (generateFftRtl) named after the layer;
 * the spectrum ROM holds the plan's quantised half spectrum. Each piece has
 * its own advance enable, driven by a register of the piece after it (the
 * FFTs' skid buffers, circ_out's skid buffer), so backpressure anywhere
 * stalls the pipeline cleanly. Schedule and latencies: stream-cost.ts.
 */
import { ROUNDING_CODE, formatName } from '../../fixed/index.ts';
import { generateFftRtl } from '../../fft/index.ts';
import { header, instance, portList, streamPorts, template, type Port, type SourceFile } from '../../verilog/index.ts';
import type { LayerRtl } from '../types.ts';
import type { StreamCorePlan } from './stream-plan.ts';
import { bitsFor, packFields, romModule } from '../../verilog/rom.ts';

/** The output stage of the core's top: circ_out's parameters and, for diag, its ROM. */
export interface StreamHead {
  /** circ_out parameters beyond the core's (DIAG, D_W, B_W, BSHIFT, ACC_W, Y_W, SHIFT, ROUND, SAT, RELU) */
  params: Record<string, number>;
  yWidth: number;
  dWidth: number;
  bWidth: number;
  /** the d/b ROM (diag), one word {b, d} per kept output */
  rom?: { words: string[]; comments: string[] };
}

export interface StreamRtlText {
  title: string;
  params: Record<string, unknown>;
  notes: string[];
}

/** Sources, deduplicated by file name (templates shared by both FFTs appear once). */
function dedupe(sources: readonly SourceFile[]): SourceFile[] {
  const seen = new Set<string>();
  return sources.filter((s) => (seen.has(s.name) ? false : (seen.add(s.name), true)));
}

export function streamCoreRtl(c: StreamCorePlan, head: StreamHead, text: StreamRtlText): LayerRtl {
  const top = `${c.name}_top`;
  const fwd = generateFftRtl(c.fwd);
  const inv = generateFftRtl(c.inv);
  const w = c.fwd.inWidth;
  const wx = c.fwd.outWidth;
  const wi = c.inv.inWidth;
  const wz = c.inv.outWidth;
  const hw = c.hWidth;
  const sW = c.xWidth + (c.signs ? 1 : 0);
  const oaW = bitsFor(c.outputs - 1);
  // NEG: bit i set when input i is negated
  let neg = 0n;
  if (c.signs) c.signs.forEach((s, i) => { if (s < 0) neg |= 1n << BigInt(i); });

  const hromName = `${c.name}_hrom`;
  const hrom = romModule(
    hromName,
    [
      `half spectrum H[f], f = 0..${c.k / 2}, of the ${c.k} x ${c.k} circulant of ${c.name}`,
      `word {im, re}, each ${formatName(c.hFormat)}; bin f > ${c.k / 2} is read as conj(H[${c.k} - f]) (circ_pmul.v).`,
    ],
    2 * hw,
    c.hHalf.map((v) => packFields(v, hw)),
    c.hHalf.map((_, f) => `f = ${f}`),
  );
  const dromName = `${c.name}_drom`;

  const feedParams = {
    IN: c.inputs, K: c.k, LOG2K: c.log2k, X_W: c.xWidth, S_W: sW, F_W: w, SHIFT: c.shiftIn,
    SIGN: c.signs ? 1 : 0, NEG: `${c.k}'h${neg.toString(16)}`,
  };
  const pmulParams = {
    K: c.k, LOG2K: c.log2k, X_W: wx, H_W: hw, P_W: c.prodWidth, O_W: wi,
    SHIFT: c.pmulRequant.shift, ROUND: ROUNDING_CODE[c.pmulRequant.rounding],
  };
  const outParams = { LOG2K: c.log2k, OUT: c.outputs, OA_W: oaW, Z_W: wz, ...head.params };

  const extraPorts: Port[] = [{ name: 'busy', dir: 'output', width: 1 }];
  const io = { inLanes: 1, inWidth: c.xWidth, outLanes: 1, outWidth: head.yWidth, inBeats: c.inputs, outBeats: c.outputs };
  const romPorts = head.rom
    ? instance(dromName, 'u_drom', {}, { clk: 'clk', en: 'd_en', addr: 'd_addr', q: '{d_b, d_d}' }, '    ')
    : `    assign d_d = {${head.dWidth}{1'b0}};  // no diagonal ROM (DIAG = 0)\n    assign d_b = {${head.bWidth}{1'b0}};\n` +
      `    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_rom = &{1'b0, d_en, d_addr};\n    /* verilator lint_on UNUSEDSIGNAL */`;
  const body = `
    // ---- input: load a vector, then feed the FFT K positions back to back ----
    wire               f_valid, f_ready, vec_in, feed_busy;
    wire [${2 * w - 1}:0]        f_data;
${instance('circ_feed', 'u_feed', feedParams, {
    clk: 'clk', rst: 'rst', s_valid: 's_valid', s_ready: 's_ready', s_data: 's_data',
    f_valid: 'f_valid', f_ready: 'f_ready', f_data: 'f_data', vec_in: 'vec_in', busy: 'feed_busy',
  }, '    ')}

    // ---- forward FFT: natural order in, bit-reversed out ----
    wire               x_valid, x_ready, x_last, fft_ovf;
    wire [1:0]         x_keep;
    wire [${2 * wx - 1}:0]        x_data;
${instance(fwd.top, 'u_fft', {}, {
    clk: 'clk', rst: 'rst', s_valid: 'f_valid', s_ready: 'f_ready', s_data: 'f_data', s_last: "1'b0",
    m_valid: 'x_valid', m_ready: 'x_ready', m_data: 'x_data', m_keep: 'x_keep', m_last: 'x_last', ovf: 'fft_ovf',
  }, '    ')}

    // ---- pointwise product with the spectrum H = FFT(w), in bit-reversed order ----
    wire               a_valid, a_ready, pmul_ovf;
    wire [${2 * wi - 1}:0]        a_data;
    wire [${c.log2k - 1}:0]         h_addr;
    wire [${2 * hw - 1}:0]        h_q;
${instance(hromName, 'u_hrom', {}, { clk: 'clk', en: 'a_ready', addr: 'h_addr', q: 'h_q' }, '    ')}
${instance('circ_pmul', 'u_pmul', pmulParams, {
    clk: 'clk', rst: 'rst', en: 'a_ready', in_valid: 'x_valid', in_ready: 'x_ready', in_data: 'x_data',
    rom_addr: 'h_addr', rom_q: 'h_q', out_valid: 'a_valid', out_data: 'a_data', ovf: 'pmul_ovf',
  }, '    ')}

    // ---- inverse FFT: bit-reversed order in, natural out ----
    wire               z_valid, z_ready, z_last, ifft_ovf;
    wire [1:0]         z_keep;
    wire [${2 * wz - 1}:0]        z_data;
${instance(inv.top, 'u_ifft', {}, {
    clk: 'clk', rst: 'rst', s_valid: 'a_valid', s_ready: 'a_ready', s_data: 'a_data', s_last: "1'b0",
    m_valid: 'z_valid', m_ready: 'z_ready', m_data: 'z_data', m_keep: 'z_keep', m_last: 'z_last', ovf: 'ifft_ovf',
  }, '    ')}

    // ---- output: real part of positions 0..${c.outputs - 1}${head.rom ? ', times d plus b' : ''}, requantised ----
    wire               d_en, out_ovf, out_busy;
    wire [${oaW - 1}:0]         d_addr;
    wire [${head.dWidth - 1}:0]         d_d;
    wire [${head.bWidth - 1}:0]         d_b;
${romPorts}
${instance('circ_out', 'u_out', outParams, {
    clk: 'clk', rst: 'rst', z_valid: 'z_valid', z_ready: 'z_ready', z_data: 'z_data',
    rom_addr: 'd_addr', rom_en: 'd_en', d_q: 'd_d', b_q: 'd_b',
    m_valid: 'm_valid', m_ready: 'm_ready', m_data: 'm_data', m_last: 'm_last', ovf: 'out_ovf', busy: 'out_busy',
  }, '    ')}

    // ---- status: vectors inside the layer, sticky overflow of any stage ----
    reg  [3:0] in_flight;   // vectors loaded whose last output has not left
    wire       out_done = m_valid & m_ready & m_last;
    always @(posedge clk) begin
        if (rst) in_flight <= 4'd0;
        else if (vec_in & ~out_done) in_flight <= in_flight + 4'd1;
        else if (out_done & ~vec_in) in_flight <= in_flight - 4'd1;
    end
    assign busy   = feed_busy | (in_flight != 4'd0) | out_busy;
    assign m_keep = 1'b1;
    assign ovf    = fft_ovf | pmul_ovf | ifft_ovf | out_ovf;

    // The layer counts its inputs; the FFTs' own keep/last outputs are not needed.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, s_last, x_keep, x_last, z_keep, z_last};
    /* verilator lint_on UNUSEDSIGNAL */`;
  const head0 = header(text.title, text.params, text.notes);
  const topText = `${head0}
module ${top} (
${portList(streamPorts(io, extraPorts))}
);
${body}
endmodule
`;
  const sources: SourceFile[] = dedupe([
    template('requant.v'),
    ...fwd.sources,
    ...inv.sources,
    template('fft_skid.v'),
    template('circ_feed.v'),
    template('circ_pmul.v'),
    template('circ_out.v'),
    { name: `${hromName}.v`, text: hrom },
    ...(head.rom ? [{
      name: `${dromName}.v`,
      text: romModule(dromName, [`diagonal d and bias b of ${c.name}, word {b, d}, one per output`], head.dWidth + head.bWidth, head.rom.words, head.rom.comments),
    }] : []),
    { name: `${top}.v`, text: topText },
  ]);
  const params: Record<string, number | string> = {
    K: c.k, inputs: c.inputs, outputs: c.outputs, fftWidth: w, twiddleWidth: c.fwd.spec.twiddleWidth,
    spectrum: formatName(c.hFormat), ifftOut: wz, pmulShift: c.pmulRequant.shift,
  };
  return { sources, top, io, params, extraPorts };
}
