/**
 * FFT rtl face: lowers a plan to Verilog. The datapath is the hand-written
 * templates in rtl-templates/ (fft_sdf_bf, fft_delay, requant, fft_cmul,
 * fft_bitrev); this file emits the top module that chains them with the
 * plan's parameters and the twiddle ROMs whose contents are the plan's
 * quantised tables (case ROMs: no external files).
 *
 * Top-level stream convention (src/sim/stream.ts): one complex sample per
 * beat, lane 0 = real, lane 1 = imaginary.
 *
 * Backpressure: one global advance enable en: the whole pipeline moves
 * exactly when the buffer after it can take a word whatever happens
 * downstream this cycle: a two-word skid buffer (fft_skid, en = count < 2)
 * or the reorder buffer (en = the bank being written is not full). Both are
 * register-driven, so m_ready never fans out to the pipeline's clock enables
 * combinationally. s_ready = en. Each stage counts the valid samples it has seen and
 * drains its own delay line at block boundaries (see fft_sdf_bf.v), so the
 * last vector leaves without further input and vectors may follow
 * back-to-back or with any gaps. s_last is not needed: vectors are N samples
 * and the position counters wrap every N.
 */
import { hexDigits, toUnsigned, ROUNDING_CODE } from '../fixed/index.ts';
import { header, instance, template, type SourceFile } from '../verilog/index.ts';
import type { StreamDesign } from '../sim/stream.ts';
import { fftCost } from './cost.ts';
import { BF_EXTRA_LATENCY, CMUL_LATENCY, planFft, type FftPlan, type TwiddleStage } from './plan.ts';
import type { FftSpec, FftSpecInput } from './spec.ts';

export interface FftDesign extends StreamDesign {
  plan: FftPlan;
}

const ROT_CODE = { none: 0, '-j': 1, '+j': 2 } as const;

/** The packed ROM word of one twiddle: {-d, d, c} (4 multipliers) or {-(c + d), d - c, c} (3). */
export function romWord(plan: FftPlan, st: TwiddleStage, t: number): string {
  const tw = plan.spec.twiddleWidth;
  const c = st.re[t];
  const d = st.im[t];
  const parts = plan.spec.multipliers === 3 ? [-(c + d), d - c, c] : [-d, d, c];
  let word = 0n;
  for (const v of parts) word = (word << BigInt(tw)) | toUnsigned(v, tw);
  return word.toString(16).padStart(hexDigits(parts.length * tw), '0');
}

function romModule(plan: FftPlan, st: TwiddleStage, name: string): string {
  const tw = plan.spec.twiddleWidth;
  const qw = 3 * tw;
  const aw = st.log2Len;
  const layout = plan.spec.multipliers === 3 ? '{-(c + d), d - c, c}' : '{-d, d, c}';
  const lines = [
    `// Twiddle ROM of twiddle stage ${st.tw}: block L = ${st.len}, word ${layout}, each Q1.${tw - 2} in ${tw} bits,`,
    `// for w = c + j d = ${plan.inverse ? 'conj(W_L^e)' : 'W_L^e'}, W_L = exp(-2 pi j / L), e = n3 (k1 + 2 k2) at position`,
    `// t = k1 L/2 + k2 L/4 + n3 (quantised by src/fft/plan.ts, round to nearest). Registered on en.`,
    st.romInEbr
      ? `// ${st.len} words: a memory with initial contents, mapped to EBR (synchronous read).`
      : `// ${st.len} words: a case ROM in LUTs.`,
    `module ${name} (`,
    `    input  wire          clk,`,
    `    input  wire          en,`,
    `    input  wire [${aw - 1}:0]   addr,`,
    `    output reg  [${qw - 1}:0]  q`,
    `);`,
  ];
  if (st.romInEbr) {
    lines.push(`    (* rom_style = "block" *) reg [${qw - 1}:0] rom [0:${st.len - 1}];`, `    initial begin`);
    for (let t = 0; t < st.len; t++) lines.push(`        rom[${t}] = ${qw}'h${romWord(plan, st, t)};  // e = ${st.exponents[t]}`);
    lines.push(`    end`, `    always @(posedge clk) begin`, `        if (en) q <= rom[addr];`, `    end`);
  } else {
    lines.push(`    always @(posedge clk) begin`, `        if (en) begin`, `            case (addr)`);
    for (let t = 0; t < st.len; t++) {
      lines.push(`                ${aw}'d${t}: q <= ${qw}'h${romWord(plan, st, t)};  // e = ${st.exponents[t]}`);
    }
    lines.push(`            endcase`, `        end`, `    end`);
  }
  lines.push(`endmodule`, '');
  return lines.join('\n');
}

/** Describe the schedule for the header comment. */
function scheduleNotes(plan: FftPlan): string[] {
  const cost = fftCost(plan);
  const notes = [
    `${plan.inverse ? 'Inverse FFT, decimation in time' : 'Forward FFT, decimation in frequency'}, radix-2^2 single-path delay feedback.`,
    `Input order: ${plan.inputOrder}; output order: ${plan.outputOrder}` +
      (plan.reorder !== 'none' ? ` (bit-reversal buffer on the ${plan.reorder}).` : '.'),
    `Output = ${plan.inverse ? 'N * IDFT' : 'DFT'} * 2^-${plan.totalShift}; samples ${plan.inWidth} bits in, ${plan.outWidth} bits out;`,
    `twiddles Q1.${plan.spec.twiddleWidth - 2}; rounding ${plan.spec.rounding} (ROUND=${ROUNDING_CODE[plan.spec.rounding]}); ` +
      `overflow (butterflies and multipliers) ${plan.spec.overflow}, with a sticky ovf.`,
    'Backpressure: one enable for the whole pipeline, driven by a register of the buffer after it',
    `(${plan.reorder === 'output' ? 'the reorder buffer' : 'a two-word skid buffer'}); when input stops, each butterfly drains its delay line at`,
    'its own block boundary, so the last vector leaves without more input (s_last is not needed).',
    '',
    `Schedule (pipeline order; D = feedback delay; a butterfly delays every sample by D + ${BF_EXTRA_LATENCY} cycles,`,
    `a twiddle stage by ${CMUL_LATENCY}):`,
  ];
  for (const st of plan.stages) {
    if (st.kind === 'bf') {
      const rot = st.rot === 'none' ? '' : `, input x(${st.rot}) at positions [${(3 * 2 ** st.rotLog2) / 4}, ${2 ** st.rotLog2}) mod ${2 ** st.rotLog2}`;
      notes.push(
        `  bf${st.bf}: D = ${st.delay} (${st.useRam ? 'EBR' : 'flip-flops'}), shift ${st.shift}, ${st.wIn} -> ${st.wOut} bits${rot}`,
      );
    } else {
      notes.push(`  tw${st.tw}: complex multiply, ${plan.spec.multipliers} real multipliers, ${st.width} x ${plan.spec.twiddleWidth} bits, block L = ${st.len}`);
    }
  }
  notes.push(
    '',
    `Latency (no stalls): first output ${cost.latencyFirst}, last output ${cost.latencyLast} cycles after the first input;`,
    `one vector every ${cost.periodCycles} cycles.`,
  );
  return notes;
}

export function generateFftRtl(p: FftPlan | FftSpecInput | FftSpec): FftDesign {
  const plan = 'stages' in p ? p : planFft(p);
  const spec = plan.spec;
  const top = spec.name;
  const win = plan.inWidth;
  const wout = plan.outWidth;
  const round = ROUNDING_CODE[spec.rounding];
  const body: string[] = [];
  const decl: string[] = [];

  decl.push(`    // Global advance: the pipeline moves when its output register is empty or being read.`);
  decl.push(`    wire en;`);

  // ---- input side -------------------------------------------------------
  let cur = { valid: 's_valid', re: `s_data[${win - 1}:0]`, im: `s_data[${2 * win - 1}:${win}]` };
  if (plan.reorder === 'input') {
    decl.push(`    // natural-order input -> bit-reversed order for the DIT pipeline`);
    decl.push(`    wire             rin_valid;`, `    wire [${2 * win - 1}:0] rin_data;`, `    wire             rin_last;`);
    body.push(
      instance('fft_bitrev', 'u_reorder_in', { W: 2 * win, LOG2_N: plan.log2n }, {
        clk: 'clk', rst: 'rst',
        in_valid: 's_valid', in_ready: 's_ready', in_data: 's_data',
        out_valid: 'rin_valid', out_ready: 'en', out_data: 'rin_data', out_last: 'rin_last',
      }, '    '),
    );
    cur = { valid: 'rin_valid', re: `rin_data[${win - 1}:0]`, im: `rin_data[${2 * win - 1}:${win}]` };
  } else {
    body.push(`    assign s_ready = en;  // stage 0 takes every valid sample when the pipeline advances`);
  }

  // ---- the stages ---------------------------------------------------------
  const ovfs: string[] = [];
  for (const st of plan.stages) {
    const v = `st${st.index}_valid`;
    const re = `st${st.index}_re`;
    const im = `st${st.index}_im`;
    if (st.kind === 'bf') {
      decl.push(`    wire                    ${v};`);
      decl.push(`    wire signed [${st.wOut - 1}:0]     ${re}, ${im};`);
      body.push('');
      body.push(
        `    // bf${st.bf}: radix-2 SDF butterfly, D = ${st.delay}, shift ${st.shift}` +
          (st.rot === 'none' ? '' : `, input rotated by ${st.rot} in the last quarter of blocks of ${2 ** st.rotLog2}`),
      );
      body.push(
        instance('fft_sdf_bf', `u_bf${st.bf}`, {
          W_IN: st.wIn, SHIFT: st.shift, W_OUT: st.wOut, LOG2_DELAY: st.log2Delay,
          ROT: ROT_CODE[st.rot], ROT_LOG2: st.rot === 'none' ? 2 : st.rotLog2, CNT_W: st.cntWidth,
          USE_RAM: st.useRam ? 1 : 0, ROUND: round, SAT: spec.overflow === 'saturate' ? 1 : 0,
        }, {
          clk: 'clk', rst: 'rst', en: 'en',
          in_valid: cur.valid, in_re: cur.re, in_im: cur.im,
          out_valid: v, out_re: re, out_im: im, ovf: `bf${st.bf}_ovf`,
        }, '    '),
      );
      decl.push(`    wire                    bf${st.bf}_ovf;`);
      ovfs.push(`bf${st.bf}_ovf`);
    } else {
      const rom = `${top}_tw${st.tw}_rom`;
      decl.push(`    wire                    ${v};`);
      decl.push(`    wire signed [${st.width - 1}:0]     ${re}, ${im};`);
      decl.push(`    wire [${st.log2Len - 1}:0]              tw${st.tw}_addr;`);
      decl.push(`    wire [${3 * spec.twiddleWidth - 1}:0]             tw${st.tw}_q;`);
      decl.push(`    wire                    tw${st.tw}_ovf;`);
      body.push('');
      body.push(`    // tw${st.tw}: twiddle multiply, block L = ${st.len}, ${spec.multipliers} real multipliers`);
      body.push(instance(rom, `u_tw${st.tw}_rom`, {}, { clk: 'clk', en: 'en', addr: `tw${st.tw}_addr`, q: `tw${st.tw}_q` }, '    '));
      body.push(
        instance('fft_cmul', `u_tw${st.tw}`, {
          W: st.width, TW: spec.twiddleWidth, MULTS: spec.multipliers, ADDR_W: st.log2Len,
          ROUND: round, SAT: spec.overflow === 'saturate' ? 1 : 0,
        }, {
          clk: 'clk', rst: 'rst', en: 'en',
          in_valid: cur.valid, in_re: cur.re, in_im: cur.im,
          rom_addr: `tw${st.tw}_addr`, rom_q: `tw${st.tw}_q`,
          out_valid: v, out_re: re, out_im: im, ovf: `tw${st.tw}_ovf`,
        }, '    '),
      );
      ovfs.push(`tw${st.tw}_ovf`);
    }
    cur = { valid: v, re, im };
  }

  // ---- output side --------------------------------------------------------
  body.push('');
  if (plan.reorder === 'output') {
    decl.push(`    wire                    rout_ready;`);
    body.push(`    // bit-reversed pipeline output -> natural order`);
    body.push(
      instance('fft_bitrev', 'u_reorder_out', { W: 2 * wout, LOG2_N: plan.log2n }, {
        clk: 'clk', rst: 'rst',
        in_valid: cur.valid, in_ready: 'rout_ready', in_data: `{${cur.im}, ${cur.re}}`,
        out_valid: 'm_valid', out_ready: 'm_ready', out_data: 'm_data', out_last: 'm_last',
      }, '    '),
    );
    body.push(`    assign en = rout_ready;  // a register-driven enable: stalls only while both banks are full`);
  } else {
    decl.push(`    wire                    skid_ready;`);
    decl.push(`    reg  [${plan.log2n - 1}:0]              out_pos;  // position of the output sample in its vector`);
    body.push(`    // two-word output buffer: m_ready never reaches the pipeline's enable combinationally`);
    body.push(
      instance('fft_skid', 'u_skid', { W: 2 * wout }, {
        clk: 'clk', rst: 'rst',
        in_valid: cur.valid, in_ready: 'skid_ready', in_data: `{${cur.im}, ${cur.re}}`,
        out_valid: 'm_valid', out_ready: 'm_ready', out_data: 'm_data',
      }, '    '),
    );
    body.push(`    assign en      = skid_ready;  // one register bit drives the whole pipeline's enable`);
    body.push(`    assign m_last  = &out_pos;`);
    body.push(`    always @(posedge clk) begin`);
    body.push(`        if (rst) out_pos <= ${plan.log2n}'d0;`);
    body.push(`        else if (m_valid & m_ready) out_pos <= out_pos + 1'b1;`);
    body.push(`    end`);
  }
  body.push(`    assign m_keep  = 2'b11;`);
  body.push(`    assign ovf     = ${ovfs.join(' | ')};  // each stage's flag is sticky`);
  body.push('');
  body.push(`    // Vectors are N samples; the position counters wrap every N, so s_last is not needed.`);
  const unused = ['s_last'];
  if (plan.reorder === 'input') unused.push('rin_last');
  body.push(`    /* verilator lint_off UNUSEDSIGNAL */`);
  body.push(`    wire unused_ok = &{1'b0, ${unused.join(', ')}};`);
  body.push(`    /* verilator lint_on UNUSEDSIGNAL */`);

  const params = {
    n: plan.n,
    inverse: spec.inverse,
    dataWidth: spec.dataWidth,
    twiddleWidth: spec.twiddleWidth,
    scaling: spec.scaling,
    rounding: spec.rounding,
    overflow: spec.overflow,
    multipliers: spec.multipliers,
    naturalOrder: spec.naturalOrder,
  };
  const text = [
    header(`${top}: streaming ${plan.n}-point ${plan.inverse ? 'IFFT' : 'FFT'} (circa src/fft/rtl.ts, generateFftRtl)`, params, scheduleNotes(plan)),
    `module ${top} (`,
    `    input  wire                 clk,`,
    `    input  wire                 rst,`,
    `    input  wire                 s_valid,`,
    `    output wire                 s_ready,`,
    `    input  wire [${2 * win - 1}:0]         s_data,   // {im, re}, ${win} bits each`,
    `    input  wire                 s_last,`,
    `    output wire                 m_valid,`,
    `    input  wire                 m_ready,`,
    `    output wire [${2 * wout - 1}:0]         m_data,   // {im, re}, ${wout} bits each`,
    `    output wire [1:0]           m_keep,`,
    `    output wire                 m_last,`,
    `    output wire                 ovf`,
    `);`,
    ...decl,
    ...body,
    `endmodule`,
    '',
  ].join('\n');
  // one file per module (Verilator's DECLFILENAME): each twiddle ROM in its own file
  const roms: SourceFile[] = plan.twiddles.map((st) => {
    const name = `${top}_tw${st.tw}_rom`;
    return {
      name: `${name}.v`,
      text: header(`${name}: twiddle ROM of ${top} (circa src/fft/rtl.ts)`, { n: plan.n, inverse: spec.inverse, twiddleWidth: spec.twiddleWidth, multipliers: spec.multipliers }) + '\n' + romModule(plan, st, name),
    };
  });

  const names = ['requant.v', 'fft_delay.v', 'fft_sdf_bf.v'];
  if (plan.twiddles.length) names.push('fft_cmul.v');
  if (plan.reorder !== 'none') names.push('fft_bitrev.v');
  if (plan.reorder !== 'output') names.push('fft_skid.v');
  const sources: SourceFile[] = [...names.map((nm) => template(nm)), ...roms, { name: `${top}.v`, text }];
  return {
    plan,
    sources,
    top,
    io: { inLanes: 2, inWidth: win, outLanes: 2, outWidth: wout, inBeats: plan.n, outBeats: plan.n },
  };
}
