/**
 * RTL of the folded FFT engine (folded.ts): a generated top around B
 * fold_bfu units, two fold_bank memories, a twiddle ROM per unit (and a
 * spectrum ROM per unit for the circulant layers' pmul pass), a pass table,
 * the loader and the unloader with its output FIFO.
 *
 * Phases: LOAD (one sample per cycle into memory, positions past the inputs
 * zero-filled), COMPUTE (the passes, never stalled), UNLOAD (one read per
 * cycle while the output FIFO has room: credits, so m_ready reaches no
 * memory or pipeline enable), then LOAD again after the last output.
 *
 * Cycle of a compute op issued at t (folded.ts WRITE_AFTER_ISSUE = 12):
 *   t     pass table and counter -> word addresses, ROM addresses (registered)
 *   t+1   EBR and ROM reads
 *   t+2   bank swap and lane routing -> unit input registers
 *   t+3.. fold_bfu (9 stages)
 *   t+12  lane routing back, bank swap -> EBR write
 * The write side runs its own counter over the same pass table, started by
 * the read side's pass-start pulse delayed 11 cycles.
 *
 * The top is written by this file (not a template) because the lane routing,
 * the pass table and the ROM contents depend on the plan; the datapath is in
 * rtl-templates/ (fold_bfu.v, fold_shfit.v, fold_bank.v, requant.v). One
 * emitter per block of the top, in the order of its text; the output stage
 * of a real unload is the kind's (EngineOutputStage: the circulant kinds'
 * requantiser in src/layers/circulant-common/engine-output.ts, the diagonal
 * one with a shared engine's write-back in
 * src/layers/diag-circulant/engine-output.ts).
 */
import { ROUNDING_CODE, toUnsigned } from '../fixed/index.ts';
import { header, instance, template, type SourceFile } from '../verilog/index.ts';
import { romModule, packFields } from '../verilog/rom.ts';
import { bitReverse } from './plan.ts';
import {
  BFU_LATENCY, WRITE_AFTER_ISSUE, PASS_GAP, FFT_UNLOAD_LATENCY, WRITEBACK_GAP, engineCycles, foldedFftSchedule,
  type EngineNumerics, type FoldedFftPlan, type FoldedPass,
} from './folded.ts';

const MODE_CODE = { dif: 0, dit: 1, pmul: 2 } as const;

/** What the loader writes into memory position pos: a complex sample from s_data, or a real one. */
export type EngineLoad =
  | { type: 'complex'; inputs: number; dataWidth: number; rev: boolean }
  | { type: 'real'; inputs: number; xWidth: number; shiftIn: number; signs: number[] | null };

/**
 * What the unloader does with memory position i (output i): emit the complex
 * sample as it is (the FFT), or hand the sample to a kind's output stage
 * (the circulant kinds' requantiser, src/layers/circulant-common/; the
 * diagonal one, src/layers/diag-circulant/).
 */
export type EngineUnload = { type: 'complex'; outputs: number; rev: boolean } | EngineOutputStage;

/** What an output stage knows of the engine it sits in. */
export interface EngineOutputContext {
  top: string;
  /** points (memory positions) and log2 of them */
  N: number;
  LN: number;
  /** the memory's sample width (real part) and a complex sample's */
  W: number;
  WW: number;
  outputs: number;
}

/**
 * The output stage's text and the signals the engine takes from it. Engine
 * signals it may read: o_sample (the complex sample of the unload read, real
 * part in the low W bits, at t+2), ov[k] (an unload read issued k cycles
 * ago, k = 1..5), un_pos (the position read), and with a write-back un_wb,
 * wv[k] and wp<k> (a write-back read k cycles ago and its position); a stage
 * that writes back drives wb_we, wb_pos and wb_sample.
 */
export interface EngineOutputRtl {
  lines: string[];
  /** the output FIFO's push and data */
  valid: string;
  data: string;
  /** sticky overflow flags of the stage (ORed into ovf) */
  ovf: string[];
  /** engine signals the stage leaves unused (the late ov bits) */
  unused: string[];
}

/** A kind's output stage on the folded engine (a real unload). */
export interface EngineOutputStage {
  type: 'real';
  outputs: number;
  yWidth: number;
  /** cycles from the unload read to the output handshake */
  latency: number;
  /** the stage drives the write-back of a shared engine (wb_we, wb_pos, wb_sample) */
  writesBack: boolean;
  /** width of the config port the stage takes (0: none) */
  cfgWidth: number;
  emit(x: EngineOutputContext): EngineOutputRtl;
  /** the memories and templates the stage instantiates (before the top) */
  sources(top: string): SourceFile[];
}

export function unloadLatency(u: EngineUnload): number {
  return u.type === 'complex' ? 3 : u.latency;
}

/**
 * A shared engine (two layers taking turns, diag-circulant/fused.ts): passes
 * 0..passes1-1 are the first layer's, the rest the second's. After the first
 * layer's last pass a write-back phase reads every position p (0..N-1)
 * through the output stage, which writes the second layer's loaded vector
 * back (wb_we, wb_pos, wb_sample). The pmul ROM holds both layers' spectra
 * (the second at the upper half: address bit = layer), and the second
 * layer's pmul pass (shift bit set) rounds by `pmulShift2`.
 */
export interface EngineWriteBack {
  passes1: number;
  pmulShift2: number;
}

export interface EngineRtlRequest {
  /** top module name; memories and ROMs are named after it */
  top: string;
  e: EngineNumerics;
  multipliers: 3 | 4;
  passes: FoldedPass[];
  /** the pmul pass's spectrum: K/2 packed words ({H[K/2].re, H[0].re} at 0), width, shift */
  pmul?: { hWidth: number; words: string[]; shift: number };
  load: EngineLoad;
  unload: EngineUnload;
  title: string;
  params: Record<string, unknown>;
  notes: string[];
  /** add a `busy` output (layers) */
  busy: boolean;
  /** a shared engine's write-back between two layers (pmul words: both spectra, the first's first) */
  writeBack?: EngineWriteBack;
}

export interface EngineRtl {
  sources: SourceFile[];
  top: string;
  io: { inLanes: number; inWidth: number; outLanes: number; outWidth: number; inBeats: number; outBeats: number };
}

const clog2 = (n: number) => Math.max(1, Math.ceil(Math.log2(n)));
const bin = (v: number, w: number) => `${w}'d${v}`;

/** Bit-reversal of a w-bit expression as a concatenation. */
function revBits(sig: string, w: number): string {
  if (w === 1) return sig;
  return `{${Array.from({ length: w }, (_, i) => `${sig}[${i}]`).join(', ')}}`;
}

/** Unit i's two local positions (0..2B-1: word A's lanes, then word B's) when pairs are hl apart. */
function localOf(i: number, hl: number): [number, number] {
  const lhl = Math.round(Math.log2(hl));
  const p = ((i >> lhl) << (lhl + 1)) | (i & (hl - 1));
  return [p, p + hl];
}

/** What every block emitter of the engine reads: the request and the widths derived from it. */
interface EngineContext {
  r: EngineRtlRequest; e: EngineNumerics; passes: FoldedPass[]; top: string;
  N: number; LN: number; B: number; LB: number; NWB: number; OFFW: number;
  W: number; TW: number; HW: number; VW: number; FW: number; WW: number; round: number; sat: number;
  PWD: number; CW: number; lastPass: number; twAddrW: number; fifoDepth: number; FDW: number;
  inputs: number; outputs: number; outW: number; wb: EngineWriteBack | undefined; HLW: number; TSW: number;
  /** a bank's offset of word address w (bank = ^w) */
  bankAddr: (w: string) => string;
}

function engineContext(r: EngineRtlRequest): EngineContext {
  const { e, passes, top } = r;
  const N = e.n;
  const LN = e.log2n;
  const B = e.butterflies;
  const LB = Math.round(Math.log2(B));
  const NWB = LN - LB; // word address bits
  const OFFW = NWB - 1; // bank offset bits
  const W = e.memWidth;
  const TW = e.twiddleWidth;
  const HW = r.pmul?.hWidth ?? TW;
  const VW = Math.max(TW, HW);
  const FW = r.multipliers === 3 && r.pmul ? Math.max(TW, HW + 1) : VW;
  const WW = 2 * W; // one complex sample in memory
  const round = ROUNDING_CODE[e.rounding];
  const sat = e.overflow === 'saturate' ? 1 : 0;
  const PWD = clog2(passes.length);
  const CW = NWB; // counter width (pmul counts N/B words)
  const lastPass = passes.length - 1;
  const twAddrW = LN - 1;
  const ulat = unloadLatency(r.unload);
  const fifoDepth = ulat + 2;
  const FDW = clog2(fifoDepth + 1);
  const inputs = r.load.inputs;
  const outputs = r.unload.outputs;
  const outW = r.unload.type === 'complex' ? 2 * W : r.unload.yWidth;
  const wb = r.writeBack;
  if (wb && (r.unload.type !== 'real' || !r.unload.writesBack || !r.pmul || r.load.type !== 'real')) {
    throw new Error('generateEngineRtl: a write-back needs a real load, a pmul pass and an output stage that writes back');
  }
  const HLW = clog2(LB + 1);
  const TSW = clog2(LN);
  const bankAddr = (w: string) => (OFFW > 0 ? `${w}[${NWB - 1}:1]` : `1'b0`);
  return {
    r, e, passes, top, N, LN, B, LB, NWB, OFFW, W, TW, HW, VW, FW, WW, round, sat, PWD, CW, lastPass, twAddrW,
    fifoDepth, FDW, inputs, outputs, outW, wb, HLW, TSW, bankAddr,
  };
}

/** The pass table of one side (read or write): a case on its pass number, and the word pair of its op counter. */
function passTable(x: EngineContext, pfx: string, sel: string): string[] {
  const { passes, LN, LB, PWD, CW, twAddrW, HLW, TSW } = x;
  const passFields = (p: FoldedPass) => {
    const lgh = p.log2Half;
    const lh = p.mode === 'pmul' ? 0 : Math.max(0, lgh - LB);
    const mask = p.mode === 'pmul' ? 0 : lgh >= LB ? (1 << lh) - 1 : 0;
    return {
      mode: MODE_CODE[p.mode],
      mask,
      hw: mask + 1,
      hlsel: p.mode === 'pmul' ? 0 : Math.min(lgh, LB),
      halfmask: p.mode === 'pmul' ? 0 : (1 << lgh) - 1,
      tsh: p.mode === 'pmul' ? 0 : LN - 1 - lgh,
      last: p.ops - 1,
      sh: p.shift,
      conj: p.conj ? 1 : 0,
    };
  };
  const table = (pfx: string, sel: string) => {
    const out = [
      `    /* verilator lint_off UNUSEDSIGNAL */  // each side uses only part of the table`,
      `    // pass table (${pfx === 'r' ? 'read' : 'write'} side): mode 0 dif / 1 dit / 2 pmul, word mask of the pair distance,`,
      `    // lane pairing, twiddle index mask and shift, last op, butterfly shift, conjugate`,
      `    reg [1:0]       ${pfx}_mode;`,
      `    reg [${CW - 1}:0]  ${pfx}_mask, ${pfx}_hw, ${pfx}_last;`,
      `    reg [${HLW - 1}:0]       ${pfx}_hlsel;`,
      `    reg [${twAddrW - 1}:0]  ${pfx}_halfmask;`,
      `    reg [${TSW - 1}:0]       ${pfx}_tsh;`,
      `    reg             ${pfx}_sh, ${pfx}_conj;`,
      `    always @(*) begin`,
      `        case (${sel})`,
    ];
    passes.forEach((p, i) => {
      const f = passFields(p);
      out.push(
        `            ${bin(i, PWD)}: begin ${pfx}_mode = 2'd${f.mode}; ${pfx}_mask = ${bin(f.mask, CW)}; ${pfx}_hw = ${bin(f.hw, CW)}; ` +
          `${pfx}_hlsel = ${bin(f.hlsel, HLW)}; ${pfx}_halfmask = ${bin(f.halfmask, twAddrW)}; ${pfx}_tsh = ${bin(f.tsh, TSW)}; ` +
          `${pfx}_last = ${bin(f.last, CW)}; ${pfx}_sh = 1'b${f.sh}; ${pfx}_conj = 1'b${f.conj}; end  // ${p.mode}` +
          (p.mode === 'pmul' ? '' : ` h = ${2 ** p.log2Half}`),
      );
    });
    out.push(
      `            default: begin ${pfx}_mode = 2'd0; ${pfx}_mask = ${bin(0, CW)}; ${pfx}_hw = ${bin(1, CW)}; ${pfx}_hlsel = ${bin(0, HLW)}; ` +
        `${pfx}_halfmask = ${bin(0, twAddrW)}; ${pfx}_tsh = ${bin(0, TSW)}; ${pfx}_last = ${bin(0, CW)}; ${pfx}_sh = 1'b0; ${pfx}_conj = 1'b0; end`,
      `        endcase`,
      `    end`,
      `    // word pair of op c: wA = c with a 0 inserted at the pair bit, wB = wA | hw (pmul: one word, c)`,
      `    wire [${CW - 1}:0] ${pfx}_wa = (${pfx}_mode == 2'd2) ? ${pfx}_c : (((${pfx}_c & ~${pfx}_mask) << 1) | (${pfx}_c & ${pfx}_mask));`,
      `    wire [${CW - 1}:0] ${pfx}_wb = ${pfx}_wa | ${pfx}_hw;`,
      `    wire       ${pfx}_par = ^${pfx}_wa;  // bank of wA (wB is in the other)`,
      `    /* verilator lint_on UNUSEDSIGNAL */`,
    );
    return out;
  };
  return table(pfx, sel);
}

/** Phase, the read side's pass and op counters, the write side's, each with its pass table. */
function declarations(x: EngineContext): string[] {
  const { PWD, CW, wb } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- declarations -------------------------------------------------------------
  push(
    `    localparam [1:0] PH_LOAD = 2'd0, PH_COMPUTE = 2'd1, PH_UNLOAD = 2'd2${wb ? `, PH_WB = 2'd3;  // PH_WB: write-back between the two layers` : ';'}`,
    `    reg [1:0] phase;`,
    '',
    `    // ---- compute, read side ----`,
    `    reg [${PWD - 1}:0] rd_pass;`,
    `    reg [${CW - 1}:0] r_c;`,
    `    reg        rd_issue;     // issuing ops of pass rd_pass`,
    `    reg [${clog2(PASS_GAP + 1) - 1}:0] rd_gap;  // idle cycles left before the next pass`,
    ...passTable(x, 'r', 'rd_pass'),
    `    wire issue = (phase == PH_COMPUTE) & rd_issue;`,
    '',
    `    // ---- compute, write side: the same table, ${WRITE_AFTER_ISSUE} cycles later ----`,
    `    reg [${(WRITE_AFTER_ISSUE - 1) * (PWD + 1) - 1}:0] start_dl;  // {start, pass} of the read side, delayed: stage k at [k*${PWD + 1} +: ${PWD + 1}]`,
    `    reg [${PWD - 1}:0] wr_pass;`,
    `    reg [${CW - 1}:0] w_c;`,
    `    reg        wr_active;`,
    ...passTable(x, 'w', 'wr_pass'),
  );
  return L;
}

/** The loader: one sample per cycle into memory, positions past the inputs zero-filled. */
function loader(x: EngineContext): string[] {
  const { r, N, LN, LB, NWB, W, WW, inputs } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- read side control --------------------------------------------------------
  push(
    '',
    `    // ---- loader ----`,
    `    reg  [${LN}:0] pos;  // next memory position to load, 0..N`,
    `    wire        ld_take = (phase == PH_LOAD) & (pos < ${LN + 1}'d${inputs}) & s_valid;`,
    inputs < N ? `    wire        ld_fill = (phase == PH_LOAD) & (pos >= ${LN + 1}'d${inputs}) & (pos < ${LN + 1}'d${N});` : `    wire        ld_fill = 1'b0;`,
    `    wire        ld_we   = ld_take | ld_fill;`,
    `    assign s_ready = (phase == PH_LOAD) & (pos < ${LN + 1}'d${inputs});`,
    `    wire [${LN - 1}:0] ld_pos  = pos[${LN - 1}:0];`,
    `    wire [${LN - 1}:0] ld_phys = ${r.load.type === 'complex' && r.load.rev ? revBits('ld_pos', LN) : 'ld_pos'};`,
    `    wire [${NWB - 1}:0] ld_word = ld_phys[${LN - 1}:${LB}];`,
  );
  // load sample
  if (r.load.type === 'complex') {
    const dw = r.load.dataWidth;
    const ext = (hi: number, lo: number) => (W > dw ? `{{${W - dw}{s_data[${hi}]}}, s_data[${hi}:${lo}]}` : `s_data[${hi}:${lo}]`);
    push(
      `    // a complex sample {im, re}, ${dw} bits each, sign-extended to the memory width ${W}`,
      `    wire [${WW - 1}:0] ld_sample = ld_fill ? ${WW}'d0 : {${ext(2 * dw - 1, dw)}, ${ext(dw - 1, 0)}};`,
    );
  } else {
    const xw = r.load.xWidth;
    const sw = xw + (r.load.signs ? 1 : 0);
    let negHex = '';
    if (r.load.signs) {
      let neg = 0n;
      r.load.signs.forEach((s, i) => { if (s < 0) neg |= 1n << BigInt(i); });
      negHex = neg.toString(16);
    }
    push(
      `    // a real sample x (${xw} bits)${r.load.signs ? ', sign-flipped by D (NEG: bit i set when input i is negated)' : ''}, shifted left ${r.load.shiftIn} into the ${W}-bit real part`,
      `    wire signed [${xw - 1}:0] ld_x = s_data[${xw - 1}:0];`,
    );
    if (r.load.signs) {
      push(
        // one bit per memory position (2^LN, zeros past the inputs), so ld_pos indexes it at its own width
        `    localparam [${2 ** LN - 1}:0] NEG = ${2 ** LN}'h${negHex};`,
        `    wire              ld_neg = NEG[ld_pos];`,
        `    wire signed [${sw - 1}:0] ld_s = ld_neg ? -{ld_x[${xw - 1}], ld_x} : {ld_x[${xw - 1}], ld_x};`,
      );
    } else {
      push(`    wire signed [${sw - 1}:0] ld_s = ld_x;`);
    }
    const padHi = W - sw - r.load.shiftIn;
    const reExpr = `{${padHi > 0 ? `{${padHi}{ld_s[${sw - 1}]}}, ` : ''}ld_s${r.load.shiftIn > 0 ? `, ${r.load.shiftIn}'d0` : ''}}`;
    push(`    wire [${WW - 1}:0] ld_sample = ld_fill ? ${WW}'d0 : {${W}'d0, ${reExpr}};`);
  }
  return L;
}

/** The unloader's read issue: one read per cycle while the output FIFO has a free credit. */
function unloadIssue(x: EngineContext): string[] {
  const { r, N, LN, LB, NWB, FDW, outputs, wb } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- unload issue ------------------------------------------------------------------
  const unRev = r.unload.type === 'complex' && r.unload.rev;
  push(
    '',
    `    // ---- unloader: one read per cycle while the output FIFO has a free credit ----`,
    `    reg  [${LN}:0] un_o;        // outputs read so far`,
    `    reg  [${FDW - 1}:0] credits;     // free FIFO places not yet claimed by a read in flight`,
    `    wire        un_out   = (phase == PH_UNLOAD) & (un_o < ${LN + 1}'d${outputs}) & (credits != ${FDW}'d0);`,
    ...(wb
      ? [`    wire        un_wb    = (phase == PH_WB) & (un_o != ${LN + 1}'d${N});  // write-back: every position, never stalled`,
        `    wire        un_issue = un_out | un_wb;`]
      : [`    wire        un_issue = un_out;`]),
    `    wire [${LN - 1}:0] un_pos  = un_o[${LN - 1}:0];`,
    `    wire [${LN - 1}:0] un_phys = ${unRev ? revBits('un_pos', LN) : 'un_pos'};`,
    `    wire [${NWB - 1}:0] un_word = un_phys[${LN - 1}:${LB}];`,
  );
  return L;
}

/** The two banks and their read addresses. */
function banks(x: EngineContext): string[] {
  const { B, OFFW, WW, wb, bankAddr } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- memory ports -------------------------------------------------------------------
  push(
    '',
    `    // ---- the two banks: word w in bank ^w at offset w >> 1 ----`,
    `    reg  [${OFFW - 1}:0] raddr0, raddr1;`,
    `    wire [${B * WW - 1}:0] q0, q1;`,
    `    wire [${B - 1}:0] we0, we1;`,
    `    wire [${OFFW - 1}:0] waddr0, waddr1;`,
    `    wire [${B * WW - 1}:0] wdata0, wdata1;`,
    instance('fold_bank', 'u_bank0', { LANES: B, LW: WW, AW: OFFW }, { clk: 'clk', we: 'we0', waddr: 'waddr0', wdata: 'wdata0', raddr: 'raddr0', q: 'q0' }, '    '),
    instance('fold_bank', 'u_bank1', { LANES: B, LW: WW, AW: OFFW }, { clk: 'clk', we: 'we1', waddr: 'waddr1', wdata: 'wdata1', raddr: 'raddr1', q: 'q1' }, '    '),
    `    always @(posedge clk) begin`,
    `        if (phase == PH_UNLOAD${wb ? ' || phase == PH_WB' : ''}) begin`,
    `            raddr0 <= ${bankAddr('un_word')};`,
    `            raddr1 <= ${bankAddr('un_word')};`,
    `        end else begin`,
    `            raddr0 <= r_par ? ${bankAddr('r_wb')} : ${bankAddr('r_wa')};`,
    `            raddr1 <= r_par ? ${bankAddr('r_wa')} : ${bankAddr('r_wb')};`,
    `        end`,
    `    end`,
  );
  return L;
}

/** Per unit: the twiddle ROM address (and the spectrum ROM's for pmul), registered with the word addresses. */
function romAddresses(x: EngineContext): string[] {
  const { r, e, passes, top, N, LN, B, LB, NWB, W, TW, HW, PWD, twAddrW, wb } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- ROM addresses (registered at t, read at t+1) ---------------------------------
  push('', `    // ---- per unit: twiddle ROM address (and spectrum ROM address for pmul), registered with the word addresses ----`);
  if (wb) push(`    wire r_layer2 = rd_pass >= ${PWD}'d${wb.passes1};  // the read side is in the second layer's passes`);
  for (let i = 0; i < B; i++) {
    push(
      `    reg  [${twAddrW - 2}:0] tw_addr${i};   // e mod N/4: the ROM holds the first quarter`,
      `    reg         tw_q2_${i}_1, tw_q2_${i}_2;  // e >= N/4: W^e = -j W^(e - N/4), (c, d) -> (d, -c)`,
      `    wire [${2 * TW - 1}:0] tw_q${i};`,
      `    wire [${twAddrW - 1}:0] r_e${i};`,
      `    // twiddle exponent of unit ${i}: j = position mod h (< N/2), e = j N / 2h`,
      `    /* verilator lint_off UNUSEDSIGNAL */`,
      `    wire [${LN - 1}:0] r_jx${i} = ${LB > 0 ? `{r_wa & r_mask, ${LB}'d${i}}` : 'r_wa & r_mask'};`,
      `    /* verilator lint_on UNUSEDSIGNAL */`,
      `    wire [${twAddrW - 1}:0] r_j${i} = r_jx${i}[${twAddrW - 1}:0] & r_halfmask;`,
      `    assign r_e${i} = r_j${i} << r_tsh;`,
      `    always @(posedge clk) begin`,
      `        tw_addr${i} <= r_e${i}[${twAddrW - 2}:0];`,
      `        tw_q2_${i}_1 <= r_e${i}[${twAddrW - 1}];`,
      `        tw_q2_${i}_2 <= tw_q2_${i}_1;`,
      `    end`,
      instance(`${top}_twrom`, `u_twrom${i}`, {}, { clk: 'clk', en: "1'b1", addr: `tw_addr${i}`, q: `tw_q${i}` }, '    '),
    );
    if (r.pmul) {
      push(
        `    // lane ${i} of word c is position c*${B} + ${i}, bin f = bitrev(position): ROM address min(f, N - f), conj above N/2`,
        `    wire [${LN - 1}:0] pm_pos${i} = {r_c[${NWB - 1}:0]${LB > 0 ? `, ${LB}'d${i}` : ''}};`,
        `    wire [${LN - 1}:0] pm_f${i} = ${revBits(`pm_pos${i}`, LN)};`,
        `    wire        pm_up${i} = pm_f${i}[${LN - 1}];   // f >= N/2`,
        `    /* verilator lint_off UNUSEDSIGNAL */`,
        `    wire [${LN - 1}:0] pm_nf${i} = ${LN}'d0 - pm_f${i};  // N - f: below N/2 when used`,
        `    /* verilator lint_on UNUSEDSIGNAL */`,
        `    reg  [${LN - 2 + (wb ? 1 : 0)}:0] h_addr${i};${wb ? '  // {layer, bin}: the second layer\'s spectrum in the upper half' : ''}`,
        `    reg         h_conj${i}_1, h_hi${i}_1, h_dc${i}_1;`,
        `    wire [${2 * HW - 1}:0] h_q${i};`,
        `    always @(posedge clk) begin`,
        `        h_addr${i} <= ${wb ? '{r_layer2, ' : ''}pm_up${i} ? pm_nf${i}[${LN - 2}:0] : pm_f${i}[${LN - 2}:0]${wb ? '}' : ''};  // f = N/2 gives 0 (packed)`,
        `        h_hi${i}_1  <= pm_up${i} & (pm_f${i}[${LN - 2}:0] == ${LN - 1}'d0);       // f = N/2: the im field holds H[N/2].re`,
        `        h_dc${i}_1  <= pm_f${i} == ${LN}'d0;`,
        `        h_conj${i}_1 <= pm_up${i};`,
        `    end`,
        instance(`${top}_hrom`, `u_hrom${i}`, {}, { clk: 'clk', en: "1'b1", addr: `h_addr${i}`, q: `h_q${i}` }, '    '),
      );
    }
  }
  return L;
}

/** Control of the op in the EBR read (t+1) and at the routing (t+2). */
function control(x: EngineContext): string[] {
  const { r, B, HLW } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- t+1 -> t+2 control ------------------------------------------------------------
  push(
    '',
    `    // ---- control of the op in the EBR read (t+1) and at the routing (t+2) ----`,
    `    reg        c1_valid, c2_valid;`,
    `    reg [1:0]  c1_mode, c2_mode;`,
    `    reg        c1_par, c2_par, c1_sh, c2_sh, c1_conj, c2_conj;`,
    `    reg [${HLW - 1}:0]  c1_hlsel, c2_hlsel;`,
    `    always @(posedge clk) begin`,
    `        if (rst) begin c1_valid <= 1'b0; c2_valid <= 1'b0; end`,
    `        else begin c1_valid <= issue; c2_valid <= c1_valid; end`,
    `        c1_mode <= r_mode;   c2_mode <= c1_mode;`,
    `        c1_par <= r_par;     c2_par <= c1_par;`,
    `        c1_sh <= r_sh;       c2_sh <= c1_sh;`,
    `        c1_conj <= r_conj;   c2_conj <= c1_conj;`,
    `        c1_hlsel <= r_hlsel; c2_hlsel <= c1_hlsel;`,
    `    end`,
  );
  if (r.pmul) {
    for (let i = 0; i < B; i++) {
      push(
        `    reg h_conj${i}_2, h_hi${i}_2, h_dc${i}_2;`,
        `    always @(posedge clk) begin h_conj${i}_2 <= h_conj${i}_1; h_hi${i}_2 <= h_hi${i}_1; h_dc${i}_2 <= h_dc${i}_1; end`,
      );
    }
  }
  return L;
}

/** Routing into the units (t+2): word A and word B to each unit's operands, twiddle or spectrum values. */
function routing(x: EngineContext): string[] {
  const { r, N, B, LB, TW, HW, VW, WW, HLW } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- routing into the units (t+2) ---------------------------------------------------
  push(
    '',
    `    // ---- routing (t+2): word A = the bank of wA, word B = the other; unit i pairs local positions by the pass's h ----`,
    `    wire [${B * WW - 1}:0] wordA = c2_par ? q1 : q0;`,
    `    wire [${B * WW - 1}:0] wordB = c2_par ? q0 : q1;`,
    `    wire [${2 * B * WW - 1}:0] loc_in = {wordB, wordA};  // local position l at bits [l*${WW} +: ${WW}]`,
  );
  for (let i = 0; i < B; i++) {
    // the quarter ROM word {d, c}; past N/4 the twiddle is (d, -c); -c never overflows (|c| <= 2^(TW-2))
    push(
      `    wire signed [${TW - 1}:0] tw_c${i} = tw_q${i}[${TW - 1}:0];`,
      `    wire signed [${TW - 1}:0] tw_d${i} = tw_q${i}[${2 * TW - 1}:${TW}];`,
      `    wire signed [${TW - 1}:0] tw_vc${i} = tw_q2_${i}_2 ? tw_d${i} : tw_c${i};`,
      `    wire signed [${TW - 1}:0] tw_vd${i} = tw_q2_${i}_2 ? -tw_c${i} : tw_d${i};`,
    );
    const twcX = VW > TW ? `{{${VW - TW}{tw_vc${i}[${TW - 1}]}}, tw_vc${i}}` : `tw_vc${i}`;
    const twdX = VW > TW ? `{{${VW - TW}{tw_vd${i}[${TW - 1}]}}, tw_vd${i}}` : `tw_vd${i}`;
    push(
      `    reg  [${WW - 1}:0] u${i}_a, u${i}_b;`,
      `    reg  signed [${VW - 1}:0] u${i}_vc, u${i}_vd;`,
      `    reg         u${i}_conj;`,
      `    always @(posedge clk) begin`,
      `        if (c2_mode == 2'd2) begin`,
      `            u${i}_a <= ${WW}'d0;`,
      `            u${i}_b <= wordA[${i * WW} +: ${WW}];`,
      `        end else begin`,
      `            case (c2_hlsel)`,
    );
    for (let s = 0; s <= LB; s++) {
      const [pa, pb] = localOf(i, 2 ** s);
      push(`                ${bin(s, HLW)}: begin u${i}_a <= loc_in[${pa * WW} +: ${WW}]; u${i}_b <= loc_in[${pb * WW} +: ${WW}]; end  // h${s === LB ? ' >= ' : ' = '}${2 ** s}`);
    }
    push(`                default: begin u${i}_a <= loc_in[${i * WW} +: ${WW}]; u${i}_b <= loc_in[${(i + B) * WW} +: ${WW}]; end`, `            endcase`, `        end`);
    if (r.pmul) {
      const hre = `h_q${i}[${HW - 1}:0]`;
      const him = `h_q${i}[${2 * HW - 1}:${HW}]`;
      const hreX = VW > HW ? `{{${VW - HW}{h_q${i}[${HW - 1}]}}, ${hre}}` : hre;
      const himX = VW > HW ? `{{${VW - HW}{h_q${i}[${2 * HW - 1}]}}, ${him}}` : him;
      push(
        `        if (c2_mode == 2'd2) begin  // H[f]: f = 0 and f = N/2 are real (packed in word 0)`,
        `            u${i}_vc <= h_hi${i}_2 ? ${himX} : ${hreX};`,
        `            u${i}_vd <= (h_hi${i}_2 | h_dc${i}_2) ? ${VW}'sd0 : ${himX};`,
        `            u${i}_conj <= h_conj${i}_2;`,
        `        end else begin`,
        `            u${i}_vc <= ${twcX};`,
        `            u${i}_vd <= ${twdX};`,
        `            u${i}_conj <= c2_conj;`,
        `        end`,
      );
    } else {
      push(`        u${i}_vc <= ${twcX};`, `        u${i}_vd <= ${twdX};`, `        u${i}_conj <= c2_conj;`);
    }
    push(`    end`);
  }
  push(
    `    reg       u_valid, u_sh;`,
    `    reg [1:0] u_mode;`,
    `    always @(posedge clk) begin`,
    `        if (rst) u_valid <= 1'b0; else u_valid <= c2_valid;`,
    `        u_mode <= c2_mode;`,
    `        u_sh <= c2_sh;`,
    `    end`,
  );
  return L;
}

/** The butterfly units; gives their sticky overflow flags. */
function unitsOf(x: EngineContext): { lines: string[]; ovfs: string[] } {
  const { r, B, W, TW, VW, FW, WW, round, sat, wb } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- the units ------------------------------------------------------------------------
  const sm = TW - 2;
  const sp = r.pmul?.shift ?? sm;
  push('', `    // ---- ${B} butterfly unit(s): ${r.multipliers} real multipliers each, results ${BFU_LATENCY} cycles later ----`);
  const ovfs: string[] = [];
  for (let i = 0; i < B; i++) {
    push(
      `    wire              b${i}_valid, b${i}_ovf;`,
      `    wire signed [${W - 1}:0] b${i}_top_re, b${i}_top_im, b${i}_bot_re, b${i}_bot_im;`,
      instance('fold_bfu', `u_bfu${i}`, {
        W, VW, FW, MULTS: r.multipliers, SH_M: sm, SH_P: sp, ...(wb ? { SH_P2: wb.pmulShift2 } : {}), ROUND: round, SAT: sat,
      }, {
        clk: 'clk', rst: 'rst', in_valid: 'u_valid', in_mode: 'u_mode', in_sh: 'u_sh', in_conj: `u${i}_conj`,
        a_re: `u${i}_a[${W - 1}:0]`, a_im: `u${i}_a[${WW - 1}:${W}]`, b_re: `u${i}_b[${W - 1}:0]`, b_im: `u${i}_b[${WW - 1}:${W}]`,
        v_c: `u${i}_vc`, v_d: `u${i}_vd`,
        out_valid: `b${i}_valid`, top_re: `b${i}_top_re`, top_im: `b${i}_top_im`, bot_re: `b${i}_bot_re`, bot_im: `b${i}_bot_im`, ovf: `b${i}_ovf`,
      }, '    '),
    );
    ovfs.push(`b${i}_ovf`);
  }
  return { lines: L, ovfs };
}

/** The write side (t+WRITE_AFTER_ISSUE): results routed back, the loader's and the write-back's writes. */
function writeSide(x: EngineContext): string[] {
  const { r, LN, B, LB, NWB, WW, wb, HLW, bankAddr } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- write side ------------------------------------------------------------------------
  push(
    '',
    `    // ---- write side (t+${WRITE_AFTER_ISSUE}): results routed back to their local positions ----`,
    `    reg [${2 * B * WW - 1}:0] loc_out;`,
    `    always @(*) begin`,
    `        loc_out = {${2 * B * WW}{1'b0}};`,
    `        if (w_mode == 2'd2) begin`,
    ...Array.from({ length: B }, (_, i) => `            loc_out[${i * WW} +: ${WW}] = {b${i}_bot_im, b${i}_bot_re};`),
    `        end else begin`,
    `            case (w_hlsel)`,
  );
  for (let s = 0; s <= LB; s++) {
    const lines: string[] = [];
    for (let i = 0; i < B; i++) {
      const [pa, pb] = localOf(i, 2 ** s);
      lines.push(`loc_out[${pa * WW} +: ${WW}] = {b${i}_top_im, b${i}_top_re}; loc_out[${pb * WW} +: ${WW}] = {b${i}_bot_im, b${i}_bot_re};`);
    }
    push(`                ${bin(s, HLW)}: begin ${lines.join(' ')} end`);
  }
  push(
    `                default: ;`,
    `            endcase`,
    `        end`,
    `    end`,
    `    wire [${B * WW - 1}:0] outA = loc_out[${B * WW - 1}:0];`,
    `    wire [${B * WW - 1}:0] outB = loc_out[${2 * B * WW - 1}:${B * WW}];`,
    `    wire cw_both = wr_active & (w_mode != 2'd2);`,
    `    // loader: one lane of one word`,
    `    wire [${B - 1}:0] ld_lanes = ${B > 1 ? `${B}'d1 << ld_phys[${LB - 1}:0]` : "1'b1"};`,
    `    wire       ld_par = ^ld_word;`,
    ...(wb
      ? [
          `    // write-back (PH_WB): one lane of one word, like the loader, ${unloadLatency(r.unload) - 1} cycles after its read`,
          `    wire       wb_we;`,
          `    wire [${LN - 1}:0] wb_pos;`,
          `    wire [${WW - 1}:0] wb_sample;`,
          `    wire [${NWB - 1}:0] wb_word = wb_pos[${LN - 1}:${LB}];`,
          `    wire [${B - 1}:0] wb_lanes = ${B > 1 ? `${B}'d1 << wb_pos[${LB - 1}:0]` : "1'b1"};`,
          `    wire       wb_par = ^wb_word;`,
        ]
      : []),
    `    assign we0 = (phase == PH_LOAD) ? ((ld_we & ~ld_par) ? ld_lanes : ${B}'d0)`,
    ...(wb ? [`               : wb_we ? (~wb_par ? wb_lanes : ${B}'d0)`] : []),
    `               : ((wr_active & ~w_par) | (cw_both & w_par)) ? {${B}{1'b1}} : ${B}'d0;`,
    `    assign we1 = (phase == PH_LOAD) ? ((ld_we & ld_par) ? ld_lanes : ${B}'d0)`,
    ...(wb ? [`               : wb_we ? (wb_par ? wb_lanes : ${B}'d0)`] : []),
    `               : ((wr_active & w_par) | (cw_both & ~w_par)) ? {${B}{1'b1}} : ${B}'d0;`,
    `    assign waddr0 = (phase == PH_LOAD) ? ${bankAddr('ld_word')} : ${wb ? `wb_we ? ${bankAddr('wb_word')} : ` : ''}(w_par ? ${bankAddr('w_wb')} : ${bankAddr('w_wa')});`,
    `    assign waddr1 = (phase == PH_LOAD) ? ${bankAddr('ld_word')} : ${wb ? `wb_we ? ${bankAddr('wb_word')} : ` : ''}(w_par ? ${bankAddr('w_wa')} : ${bankAddr('w_wb')});`,
    `    assign wdata0 = (phase == PH_LOAD) ? {${B}{ld_sample}} : ${wb ? `wb_we ? {${B}{wb_sample}} : ` : ''}(w_par ? outB : outA);`,
    `    assign wdata1 = (phase == PH_LOAD) ? {${B}{ld_sample}} : ${wb ? `wb_we ? {${B}{wb_sample}} : ` : ''}(w_par ? outA : outB);`,
  );
  return L;
}

/** The unload pipeline: the read (t+1) and the lane select (t+2) up to o_sample, the output stage's input. */
function unloadPipeline(x: EngineContext): string[] {
  const { r, LN, B, LB, WW, wb } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- unload pipeline ----------------------------------------------------------------
  push(
    '',
    `    // ---- unload pipeline: read (t+1), select the lane (t+2), then the output stage, into the FIFO ----`,
    `    reg [5:1]  ov;            // ov[k]: an unload read issued k cycles ago`,
    `    reg        o1_bank, o2_bank;`,
    `    reg [${Math.max(1, LB) - 1}:0]  o1_lane, o2_lane;`,
    `    always @(posedge clk) begin`,
    `        if (rst) ov <= 5'd0;`,
    `        else     ov <= {ov[4:1], un_out};`,
    `        o1_bank <= ^un_word;  o2_bank <= o1_bank;`,
    `        o1_lane <= ${LB > 0 ? `un_phys[${LB - 1}:0]` : "1'b0"};  o2_lane <= o1_lane;`,
    `    end`,
    ...(wb
      ? [
          `    // write-back reads travel beside the output reads: wv[k] a write-back read issued k cycles ago, wp<k> its position`,
          `    reg [5:1]  wv;`,
          `    reg [${LN - 1}:0] ${[1, 2, 3, 4, 5].map((k) => `wp${k}`).join(', ')};`,
          `    always @(posedge clk) begin`,
          `        if (rst) wv <= 5'd0;`,
          `        else     wv <= {wv[4:1], un_wb};`,
          `        wp1 <= un_pos;  wp2 <= wp1;  wp3 <= wp2;  wp4 <= wp3;  wp5 <= wp4;`,
          `    end`,
        ]
      : []),
    `    wire [${B * WW - 1}:0] o_word = o2_bank ? q1 : q0;`,
    ...(r.unload.type === 'real' ? [`    /* verilator lint_off UNUSEDSIGNAL */  // a real output uses the real part`] : []),
    `    wire [${WW - 1}:0] o_sample = o_word[${LB > 0 ? `o2_lane * ${WW}` : '0'} +: ${WW}];`,
    ...(r.unload.type === 'real' ? [`    /* verilator lint_on UNUSEDSIGNAL */`] : []),
    ...(LB > 0 ? [] : [`    /* verilator lint_off UNUSEDSIGNAL */`, `    wire unused_lane = &{1'b0, o2_lane};`, `    /* verilator lint_on UNUSEDSIGNAL */`]),
  );
  return L;
}

/** The output FIFO: a read is issued only with a credit, so it never overflows. */
function outputFifo(x: EngineContext, pushValid: string, pushData: string): string[] {
  const { LN, fifoDepth, FDW, outputs, outW } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  push(
    '',
    `    // ---- output FIFO (${fifoDepth} words): a read is issued only with a credit, so it never overflows ----`,
    `    (* ram_style = "logic" *) reg  [${outW - 1}:0] fifo [0:${fifoDepth - 1}];  // a few words: flip-flops, not an EBR`,
    `    reg  [${clog2(fifoDepth) - 1}:0] f_wp, f_rp;`,
    `    reg  [${FDW - 1}:0] f_count;`,
    `    wire f_push = ${pushValid};`,
    `    wire f_pop  = m_valid & m_ready;`,
    `    assign m_valid = f_count != ${FDW}'d0;`,
    `    assign m_data  = fifo[f_rp];`,
    `    reg  [${LN}:0] popped;`,
    `    assign m_last  = popped == ${LN + 1}'d${outputs - 1};`,
    `    always @(posedge clk) begin`,
    `        if (f_push) fifo[f_wp] <= ${pushData};`,
    `        if (rst) begin`,
    `            f_wp <= 0; f_rp <= 0; f_count <= ${FDW}'d0;`,
    `        end else begin`,
    `            if (f_push) f_wp <= (f_wp == ${clog2(fifoDepth)}'d${fifoDepth - 1}) ? ${clog2(fifoDepth)}'d0 : f_wp + 1'b1;`,
    `            if (f_pop)  f_rp <= (f_rp == ${clog2(fifoDepth)}'d${fifoDepth - 1}) ? ${clog2(fifoDepth)}'d0 : f_rp + 1'b1;`,
    `            f_count <= f_count + {{${FDW - 1}{1'b0}}, f_push} - {{${FDW - 1}{1'b0}}, f_pop};`,
    `        end`,
    `    end`,
  );
  return L;
}

/** Sequencing (LOAD -> COMPUTE -> [write-back ->] UNLOAD -> LOAD), the stream outputs and the unused signals. */
function sequencing(x: EngineContext, ovfs: string[], unusedOut: string[]): string[] {
  const { r, passes, N, LN, B, PWD, CW, lastPass, fifoDepth, FDW, wb } = x;
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  // ---- sequencing ----------------------------------------------------------------------
  push(
    '',
    `    // ---- sequencing: LOAD -> COMPUTE (passes, ${PASS_GAP} idle cycles after each) -> UNLOAD -> LOAD ----`,
    `    always @(posedge clk) start_dl <= {start_dl[${(WRITE_AFTER_ISSUE - 2) * (PWD + 1) - 1}:0], issue & (r_c == ${CW}'d0), rd_pass};`,
    `    wire [${PWD}:0] wr_start = start_dl[${(WRITE_AFTER_ISSUE - 2) * (PWD + 1)} +: ${PWD + 1}];`,
    `    always @(posedge clk) begin`,
    `        if (rst) begin`,
    `            phase <= PH_LOAD; pos <= ${LN + 1}'d0; rd_pass <= ${PWD}'d0; r_c <= ${CW}'d0; rd_issue <= 1'b0;`,
    `            rd_gap <= 0; wr_active <= 1'b0; wr_pass <= ${PWD}'d0; w_c <= ${CW}'d0;`,
    `            un_o <= ${LN + 1}'d0; credits <= ${FDW}'d${fifoDepth}; popped <= ${LN + 1}'d0;`,
    `        end else begin`,
    `            credits <= credits - {{${FDW - 1}{1'b0}}, un_out} + {{${FDW - 1}{1'b0}}, f_pop};`,
    `            // write side: a pass starts ${WRITE_AFTER_ISSUE} cycles after the read side started it`,
    `            if (wr_start[${PWD}]) begin`,
    `                wr_active <= 1'b1; w_c <= ${CW}'d0; wr_pass <= wr_start[${PWD - 1}:0];`,
    `            end else if (wr_active) begin`,
    `                if (w_c == w_last) wr_active <= 1'b0;`,
    `                w_c <= w_c + 1'b1;`,
    `            end`,
    `            case (phase)`,
    `                PH_LOAD: if (ld_we) begin`,
    `                    if (pos == ${LN + 1}'d${N - 1}) begin`,
    `                        pos <= ${LN + 1}'d0; phase <= PH_COMPUTE; rd_pass <= ${PWD}'d0; r_c <= ${CW}'d0; rd_issue <= 1'b1;`,
    `                    end else pos <= pos + 1'b1;`,
    `                end`,
    `                PH_COMPUTE: if (rd_issue) begin`,
    `                    r_c <= r_c + 1'b1;`,
    `                    if (r_c == r_last) begin rd_issue <= 1'b0; rd_gap <= ${PASS_GAP}; end`,
    `                end else if (rd_gap == 1) begin`,
    `                    if (rd_pass == ${PWD}'d${lastPass}) begin phase <= PH_UNLOAD; un_o <= ${LN + 1}'d0; popped <= ${LN + 1}'d0; end`,
    ...(wb ? [`                    else if (rd_pass == ${PWD}'d${wb.passes1 - 1}) begin phase <= PH_WB; un_o <= ${LN + 1}'d0; end  // the first layer is done`] : []),
    `                    else begin rd_pass <= rd_pass + 1'b1; r_c <= ${CW}'d0; rd_issue <= 1'b1; end`,
    `                end else rd_gap <= rd_gap - 1'b1;`,
    ...(wb
      ? [
          `                PH_WB: if (un_wb) begin`,
          `                    un_o <= un_o + 1'b1;`,
          `                    if (un_o == ${LN + 1}'d${N - 1}) rd_gap <= ${WRITEBACK_GAP};  // the last write lands ${WRITEBACK_GAP + 1} cycles after its read`,
          `                end else if (rd_gap == 1) begin`,
          `                    phase <= PH_COMPUTE; rd_pass <= ${PWD}'d${wb.passes1}; r_c <= ${CW}'d0; rd_issue <= 1'b1;  // the second layer's passes`,
          `                end else rd_gap <= rd_gap - 1'b1;`,
        ]
      : []),
    `                default: begin  // PH_UNLOAD`,
    `                    if (un_issue) un_o <= un_o + 1'b1;`,
    `                    if (f_pop) begin`,
    `                        popped <= popped + 1'b1;`,
    `                        if (m_last) phase <= PH_LOAD;`,
    `                    end`,
    `                end`,
    `            endcase`,
    `        end`,
    `    end`,
    '',
    `    assign m_keep = ${r.unload.type === 'complex' ? "2'b11" : "1'b1"};`,
    `    assign ovf    = ${ovfs.join(' | ')};  // sticky in each unit and the output stage`,
  );
  if (r.busy) push(`    assign busy   = (phase != PH_LOAD) | (pos != ${LN + 1}'d0);`);
  const unused = ['s_last', ...Array.from({ length: B }, (_, i) => `b${i}_valid`), ...unusedOut];
  if (r.load.type === 'real') unused.push(`s_data`);
  push(
    `    // vectors are counted, so s_last is not needed; the write side runs on its own counter, not on the units' valid`,
    `    /* verilator lint_off UNUSEDSIGNAL */`,
    `    wire unused_ok = &{1'b0, ${unused.join(', ')}};`,
    `    /* verilator lint_on UNUSEDSIGNAL */`,
  );
  return L;
}

/** The top's port list (a config port when the output stage has one). */
function ports(x: EngineContext): string[] {
  const { r, W } = x;
  const cfgW = r.unload.type === 'real' ? r.unload.cfgWidth : 0;
  const inLanes = r.load.type === 'complex' ? 2 : 1;
  const inWidth = r.load.type === 'complex' ? r.load.dataWidth : r.load.xWidth;
  const outLanes = r.unload.type === 'complex' ? 2 : 1;
  const outWidth = r.unload.type === 'complex' ? W : r.unload.yWidth;
  const ports = [
    `    input  wire                 clk,`,
    `    input  wire                 rst,`,
    `    input  wire                 s_valid,`,
    `    output wire                 s_ready,`,
    `    input  wire [${inLanes * inWidth - 1}:0]         s_data,`,
    `    input  wire                 s_last,`,
    `    output wire                 m_valid,`,
    `    input  wire                 m_ready,`,
    `    output wire [${outLanes * outWidth - 1}:0]         m_data,`,
    `    output wire [${outLanes - 1}:0]           m_keep,`,
    `    output wire                 m_last,`,
    `    output wire                 ovf${r.busy || cfgW ? ',' : ''}`,
    ...(r.busy ? [`    output wire                 busy${cfgW ? ',' : ''}`] : []),
    ...(cfgW
      ? [
          `    input  wire                 cfg_we,    // config port: the d/b SPRAM's loader (dense_loader.v)`,
          `    input  wire [1:0]           cfg_addr,`,
          `    input  wire [${cfgW - 1}:0]         cfg_data`,
        ]
      : []),
  ];
  return ports;
}

/** The engine's templates and ROMs (the output stage adds its own). */
function engineSources(x: EngineContext): SourceFile[] {
  const { r, e, top, N, TW, HW, wb } = x;
  const twWords = e.twRe.slice(0, N / 4).map((c, i) => packFields([c, e.twIm[i]], TW));
  const twRom = romModule(`${top}_twrom`, [
    `twiddles W_${N}^e, e = 0..${N / 4 - 1} (the first quarter), word {-sin, cos}, each Q1.${TW - 2} (${TW} bits), one copy per unit`,
    `(quantised by src/fft/folded.ts twiddleTable, round to nearest; an inverse pass conjugates in fold_bfu.v).`,
  ], 2 * TW, twWords, twWords.map((_, i) => `e = ${i}`));
  const sources: SourceFile[] = [
    template('requant.v'),
    template('fold_shfit.v'),
    template('fold_bfu.v'),
    template('fold_bank.v'),
    { name: `${top}_twrom.v`, text: twRom },
  ];
  if (r.pmul) {
    sources.push({
      name: `${top}_hrom.v`,
      text: romModule(`${top}_hrom`, [
        `half spectrum H[f], f = 0..${N / 2 - 1}, word {im, re}, ${HW} bits each; word 0 is {H[${N / 2}].re, H[0].re}`,
        `(both real); bin f > ${N / 2} is read as conj(H[${N} - f]). One copy per butterfly unit.`,
        ...(wb ? [`Two layers share the engine: words 0..${N / 2 - 1} are the first layer's spectrum, ${N / 2}..${N - 1} the second's.`] : []),
      ], 2 * HW, r.pmul.words),
    });
  }
  return sources;
}

/** The top's output stage for a complex unload (the FFT): the sample as it is. */
function complexOutput(): EngineOutputRtl {
  return { lines: [`    // the FFT: the complex sample as it is`], valid: 'ov[2]', data: 'o_sample', ovf: [], unused: ['ov[5:3]'] };
}

/**
 * The engine's top: one emitter per block, in the order of the text. The
 * output stage is the request's (a kind's, for a real unload), or the
 * complex sample as it is.
 */
export function generateEngineRtl(r: EngineRtlRequest): EngineRtl {
  const x = engineContext(r);
  const { top, W, N, LN, WW, inputs, outputs } = x;
  const units = unitsOf(x);
  const stage = r.unload.type === 'complex' ? complexOutput() : r.unload.emit({ top, N, LN, W, WW, outputs });
  const L = [
    ...declarations(x),
    ...loader(x),
    ...unloadIssue(x),
    ...banks(x),
    ...romAddresses(x),
    ...control(x),
    ...routing(x),
    ...units.lines,
    ...writeSide(x),
    ...unloadPipeline(x),
    ...stage.lines,
    ...outputFifo(x, stage.valid, stage.data),
    ...sequencing(x, [...units.ovfs, ...stage.ovf], stage.unused),
  ];
  const inLanes = r.load.type === 'complex' ? 2 : 1;
  const inWidth = r.load.type === 'complex' ? r.load.dataWidth : r.load.xWidth;
  const outLanes = r.unload.type === 'complex' ? 2 : 1;
  const outWidth = r.unload.type === 'complex' ? W : r.unload.yWidth;
  const text = [
    header(r.title, r.params, r.notes),
    `module ${top} (`,
    ...ports(x),
    `);`,
    ...L,
    `endmodule`,
    '',
  ].join('\n');
  const sources = [...engineSources(x), ...(r.unload.type === 'complex' ? [] : r.unload.sources(top)), { name: `${top}.v`, text }];
  return {
    sources,
    top,
    io: { inLanes, inWidth, outLanes, outWidth, inBeats: inputs, outBeats: outputs },
  };
}

/** Pack a half spectrum H[0..K/2] into K/2 words {im, re}, word 0 = {H[K/2].re, H[0].re}. */
export function packHalfSpectrum(h: readonly [number, number][], hWidth: number): string[] {
  const k2 = h.length - 1;
  return Array.from({ length: k2 }, (_, f) => (f === 0 ? packFields([h[0][0], h[k2][0]], hWidth) : packFields([h[f][0], h[f][1]], hWidth)));
}

export { bitReverse, toUnsigned };

/** The bare folded FFT/IFFT as a design: complex samples in and out, one per beat. */
export function generateFoldedFftRtl(plan: FoldedFftPlan): EngineRtl & { plan: FoldedFftPlan } {
  const s = plan.spec;
  const cyc = engineCycles(foldedFftSchedule(plan));
  const unload: EngineUnload = { type: 'complex', outputs: plan.n, rev: plan.unloadRev };
  if (unloadLatency(unload) !== FFT_UNLOAD_LATENCY) throw new Error('folded FFT: unload latency out of step with folded.ts');
  const d = generateEngineRtl({
    top: s.name,
    e: plan,
    multipliers: s.multipliers,
    passes: plan.passes,
    load: { type: 'complex', inputs: plan.n, dataWidth: plan.inWidth, rev: plan.loadRev },
    unload,
    title: `${s.name}: folded ${plan.n}-point ${plan.inverse ? 'IFFT' : 'FFT'}, ${plan.butterflies} butterfly unit(s) (circa src/fft/folded-rtl.ts)`,
    params: {
      n: plan.n, inverse: s.inverse, dataWidth: s.dataWidth, twiddleWidth: s.twiddleWidth, scaling: s.scaling,
      rounding: s.rounding, overflow: s.overflow, multipliers: s.multipliers, naturalOrder: s.naturalOrder,
      architecture: 'folded', butterflies: plan.butterflies,
    },
    notes: [
      `Memory-based radix-2 ${plan.inverse ? 'inverse ' : ''}FFT: ${plan.log2n} in-place DIF passes over two EBR banks,`,
      `${plan.butterflies} butterfly unit(s) (fold_bfu.v), each pass ${plan.n / (2 * plan.butterflies)} issue cycles + ${PASS_GAP} to drain.`,
      `Input order: ${plan.inputOrder}; output order: ${plan.outputOrder} (load / unload addresses).`,
      `Output = ${plan.inverse ? 'N * IDFT' : 'DFT'} * 2^-${plan.totalShift}; samples ${plan.inWidth} bits in, ${plan.memWidth} bits in memory and out;`,
      `twiddles Q1.${s.twiddleWidth - 2}; rounding ${s.rounding}; overflow ${s.overflow} with a sticky ovf.`,
      `Shifts per pass: ${plan.shifts.join(' ')}.`,
      `Cycles, no stalls: ${cyc.formula} = ${cyc.latency} first input to last output; compute ${cyc.compute}.`,
    ],
    busy: false,
  });
  return { ...d, plan };
}

