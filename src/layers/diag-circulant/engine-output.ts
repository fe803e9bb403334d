/**
 * The diagonal-circulant output stage on the folded FFT engine
 * (src/fft/folded-rtl.ts): y_i = act(requant(d_i Re z_i + (b_i << BSHIFT))),
 * d and b from a ROM (word {b, d} per output). On a shared engine
 * (fused.ts) the same multiplier and adder also serve the first layer's
 * write-back: its d and b from a second ROM (or both layers' from one SPRAM
 * the host loads through the config port), its requantiser and activation,
 * and the result written back, shifted left, as the second layer's input.
 */
import { instance, template, type SourceFile } from '../../verilog/index.ts';
import { romModule } from '../../verilog/rom.ts';
import { loadedSpramModule } from '../../target/index.ts';
import type { EngineOutputStage, EngineOutputContext } from '../../fft/index.ts';
import { foldedUnloadLatency } from '../circulant-common/folded-core.ts';
import { lostWire, realPart, requantTail, type RequantHead } from '../circulant-common/engine-output.ts';

/** The diagonal and bias of one layer: widths, the bias alignment, the accumulator and the ROM words {b, d}. */
export interface DiagFields {
  dWidth: number;
  bWidth: number;
  biasShift: number;
  accWidth: number;
  words: string[];
  comments: string[];
}

export interface DiagHead extends RequantHead {
  diag: DiagFields;
}

/**
 * The first layer's side of a shared engine's write-back: its output stage
 * (`head`), its outputs (positions past them write 0) and the second layer's
 * input shift (act(y_p) << shiftIn into the real part).
 */
export interface DiagWriteBack {
  outputs: number;
  shiftIn: number;
  head: DiagHead;
  /**
   * Both layers' d and b in one SPRAM (SB_SPRAM256KA) instead of two ROMs:
   * words 0..outputs-1 the first layer's, then the second's, each {b, d} in
   * the wider layer's field widths, written through the config port
   * (dense_loader.v: cfg_addr 0 restart, 1 next word) before the first vector.
   */
  dbSpram?: { words: string[]; preload?: boolean };
}

const clog2 = (n: number) => Math.max(1, Math.ceil(Math.log2(n)));
/** Sign-extend a signed w-bit signal to `to` bits (no zero-width replication). */
const sext = (sig: string, w: number, to: number) => (to > w ? `$signed({{${to - w}{${sig}[${w - 1}]}}, ${sig}})` : sig);

/** Word width and address bits of a shared engine's d/b SPRAM (the loader and the host's words follow them). */
export function dbSpramShape(wb: DiagWriteBack, second: { dWidth: number; bWidth: number }, outputs2: number): { dW: number; bW: number; aw: number; depth: number } {
  const dW = Math.max(wb.head.diag.dWidth, second.dWidth);
  const bW = Math.max(wb.head.diag.bWidth, second.bWidth);
  const depth = wb.outputs + outputs2;
  return { dW, bW, aw: clog2(depth), depth };
}

/** The multiply by d, the bias add and, with a write-back, the first layer's output stage; extraOvfCond: the write-back's overflow. */
function diagLines(x: EngineOutputContext, d: DiagFields, wb: DiagWriteBack | undefined): { lines: string[]; extraOvfCond: string } {
  const { top, N, LN, W, WW, outputs } = x;
  const zW = W;
  let extraOvfCond = '';
  const L: string[] = [];
  const push = (...s: string[]) => L.push(...s);
  const d1 = wb?.head.diag;
  // with a write-back the one multiplier and adder serve both layers: widths are the larger of the two
  const dW = Math.max(d.dWidth, d1?.dWidth ?? 0);
  const bW = Math.max(d.bWidth, d1?.bWidth ?? 0);
  const aW = Math.max(d.accWidth, d1?.accWidth ?? 0);
  const oaw = clog2(Math.max(outputs, wb?.outputs ?? 0));
  const aw2 = clog2(outputs);
  const aw1 = clog2(wb?.outputs ?? 1);
  let dSel = `db_q[${d.dWidth - 1}:0]`;
  let bSel = `db_q[${d.dWidth + d.bWidth - 1}:${d.dWidth}]`;
  if (wb?.dbSpram) {
    const sh = dbSpramShape(wb, d, outputs);
    const fitPos = (aw: number) => (aw > LN ? `{${aw - LN}'d0, un_pos}` : aw < LN ? `un_pos[${aw - 1}:0]` : 'un_pos');
    push(
      `    // diagonal d_i and bias b_i of both layers in one SPRAM: word p (write-back, the first layer) or ${wb.outputs} + i (the second),`,
      `    // {b, d} in ${sh.bW} + ${sh.dW} bits; written through the config port (dense_loader.v) while the engine is idle`,
      `    reg  [${sh.aw - 1}:0] db_addr;`,
      `    wire [${sh.dW + sh.bW - 1}:0] db_q;`,
      `    always @(posedge clk) db_addr <= un_wb ? ${fitPos(sh.aw)} : ${sh.aw}'d${wb.outputs} + ${fitPos(sh.aw)};`,
      `    wire             db_ld_we;`,
      `    wire [${sh.aw - 1}:0] db_ld_addr;`,
      `    wire [${sh.dW + sh.bW - 1}:0] db_ld_data;`,
      instance('dense_loader', 'u_dbload', { WA_W: sh.aw, WORD_W: sh.dW + sh.bW, CFG_W: sh.dW + sh.bW }, {
        clk: 'clk', rst: 'rst', cfg_we: 'cfg_we', cfg_addr: 'cfg_addr', cfg_data: 'cfg_data', ld_we: 'db_ld_we', ld_addr: 'db_ld_addr', ld_data: 'db_ld_data',
      }, '    '),
      instance(`${top}_dbmem`, 'u_dbmem', {}, {
        clk: 'clk', en: "1'b1", addr: 'db_addr', q: 'db_q', ld_we: 'db_ld_we', ld_addr: 'db_ld_addr', ld_data: 'db_ld_data',
      }, '    '),
    );
    dSel = `db_q[${sh.dW - 1}:0]`;
    bSel = `db_q[${sh.dW + sh.bW - 1}:${sh.dW}]`;
  } else {
    push(
      `    // diagonal d_i and bias b_i: word {b, d} of the d/b ROM${wb ? ' (the write-back reads the first layer\'s, _drom1)' : ''}, read with the memory`,
      `    reg  [${oaw - 1}:0] db_addr;`,
      `    wire [${d.dWidth + d.bWidth - 1}:0] db_q;`,
      `    always @(posedge clk) db_addr <= un_pos[${oaw - 1}:0];`,
      instance(`${top}_drom`, 'u_drom', {}, { clk: 'clk', en: "1'b1", addr: aw2 < oaw ? `db_addr[${aw2 - 1}:0]` : 'db_addr', q: 'db_q' }, '    '),
    );
  }
  if (wb && d1 && !wb.dbSpram) {
    push(
      `    wire [${d1.dWidth + d1.bWidth - 1}:0] db1_q;`,
      instance(`${top}_drom1`, 'u_drom1', {}, { clk: 'clk', en: "1'b1", addr: aw1 < oaw ? `db_addr[${aw1 - 1}:0]` : 'db_addr', q: 'db1_q' }, '    '),
      `    wire signed [${d1.dWidth - 1}:0] d1_raw = db1_q[${d1.dWidth - 1}:0];`,
      `    wire signed [${d1.bWidth - 1}:0] b1_raw = db1_q[${d1.dWidth + d1.bWidth - 1}:${d1.dWidth}];`,
      `    wire signed [${d.dWidth - 1}:0] d2_raw = db_q[${d.dWidth - 1}:0];`,
      `    wire signed [${d.bWidth - 1}:0] b2_raw = db_q[${d.dWidth + d.bWidth - 1}:${d.dWidth}];`,
    );
    dSel = `wv[2] ? ${sext('d1_raw', d1.dWidth, dW)} : ${sext('d2_raw', d.dWidth, dW)}`;
    bSel = `wv[2] ? ${sext('b1_raw', d1.bWidth, bW)} : ${sext('b2_raw', d.bWidth, bW)}`;
  }
  const bAligned = wb && d1 && d1.biasShift !== d.biasShift
    ? `(wv[4] ? (${sext('b3', bW, aW)} <<< ${d1.biasShift}) : (${sext('b3', bW, aW)} <<< ${d.biasShift}))`
    : `(${sext('b3', bW, aW)} <<< ${d.biasShift})`;
  push(
    `    reg signed [${dW - 1}:0] d2;`,
    `    reg signed [${bW - 1}:0] b2, b3, b4;`,
    `    reg signed [${zW + dW - 1}:0] prod3;`,
    `    reg signed [${aW - 1}:0] acc4;`,
    `    always @(posedge clk) begin`,
    `        d2 <= ${dSel};`,
    `        b2 <= ${bSel};`,
    `        if (ov[3]${wb ? ' | wv[3]' : ''}) prod3 <= z2 * d2;  // exact; the enables keep yosys from folding the add into the SB_MAC16 (fold_bfu.v)`,
    `        b3 <= b2;`,
    `        if (ov[4]${wb ? ' | wv[4]' : ''}) acc4 <= ${sext('prod3', zW + dW, aW)} + ${bAligned};`,
    `        b4 <= b3;`,
    `    end`,
    `    /* verilator lint_off UNUSEDSIGNAL */`,
    `    wire unused_b4 = &{1'b0, b4};`,
    `    /* verilator lint_on UNUSEDSIGNAL */`,
  );
  if (wb && d1) {
    const h = wb.head;
    const y1 = h.yWidth;
    const padHi = W - y1 - wb.shiftIn;
    const reExpr = `{${padHi > 0 ? `{${padHi}{y1_act[${y1 - 1}]}}, ` : ''}y1_act${wb.shiftIn > 0 ? `, ${wb.shiftIn}'d0` : ''}}`;
    push(
      `    // the first layer's output stage (write-back): requantise, activation, shifted left ${wb.shiftIn} into the real part;`,
      `    // positions ${wb.outputs}..${N - 1} are the second layer's zero padding`,
      `    wire signed [${y1 - 1}:0] y1_rq;`,
      `    wire              y1_ovf;`,
      instance('requant', 'u_requant1', { IN_W: aW, OUT_W: y1, SHIFT: h.shift, ROUND: h.rounding, SAT: h.sat ? 1 : 0 }, { din: 'acc4', dout: 'y1_rq', ovf: 'y1_ovf' }, '    '),
      `    wire [${y1 - 1}:0] y1_act = ${h.relu ? `y1_rq[${y1 - 1}] ? ${y1}'d0 : y1_rq` : 'y1_rq'};`,
      ...lostWire('y1_lost', 'y1_ovf', `acc4[${aW - 1}]`, 'y1_act', y1, h.relu),
      `    wire wb_in = wp5 < ${LN}'d${wb.outputs};`,
      `    assign wb_we = wv[5];`,
      `    assign wb_pos = wp5;`,
      `    assign wb_sample = wb_in ? {${W}'d0, ${reExpr}} : ${WW}'d0;`,
    );
    extraOvfCond = ` | (wv[5] & wb_in & y1_lost)`;
  }
  return { lines: L, extraOvfCond };
}

/** The diagonal-circulant layer's output stage (the second layer's, with a shared engine's write-back `wb`). */
export function diagOutputStage(h: DiagHead, outputs: number, wb?: DiagWriteBack): EngineOutputStage {
  const d = h.diag;
  return {
    type: 'real',
    outputs,
    yWidth: h.yWidth,
    latency: foldedUnloadLatency(true),
    writesBack: !!wb,
    cfgWidth: wb?.dbSpram ? (() => {
      const sh = dbSpramShape(wb, d, outputs);
      return sh.dW + sh.bW;
    })() : 0,
    emit(x) {
      const { lines, extraOvfCond } = diagLines(x, d, wb);
      const accW = Math.max(d.accWidth, wb?.head.diag.accWidth ?? 0);
      return {
        lines: [...realPart(x.W), ...lines, ...requantTail(h, 'acc4', accW, 'ov[5]', extraOvfCond)],
        valid: 'ov[5]',
        data: 'y_act',
        ovf: ['out_ovf'],
        unused: [],
      };
    },
    sources(top) {
      const sources: SourceFile[] = [];
      if (!wb?.dbSpram) {
        sources.push({
          name: `${top}_drom.v`,
          text: romModule(`${top}_drom`, [`diagonal d and bias b${wb ? ' of the second layer' : ''}, word {b, d}, one per output`], d.dWidth + d.bWidth, d.words, d.comments),
        });
      }
      if (wb?.dbSpram) {
        const sh = dbSpramShape(wb, d, outputs);
        sources.push(template('dense_loader.v'), { name: `${top}_dbmem.v`, text: dbSpramModule(`${top}_dbmem`, sh, wb.dbSpram.words, wb.outputs, wb.dbSpram.preload ?? true) });
      } else if (wb) {
        const d1 = wb.head.diag;
        sources.push({
          name: `${top}_drom1.v`,
          text: romModule(`${top}_drom1`, [`diagonal d and bias b of the first layer (the write-back), word {b, d}, one per output`], d1.dWidth + d1.bWidth, d1.words, d1.comments),
        });
      }
      return sources;
    },
  };
}

/** A shared engine's d/b memory in SPRAM, loaded through the config port (src/target/ice40/spram.ts). */
function dbSpramModule(name: string, sh: { dW: number; bW: number; aw: number; depth: number }, words: readonly string[], outputs1: number, preload: boolean): string {
  return loadedSpramModule({
    name,
    describe: [
      'd and b of the two layers sharing one folded engine, in SPRAM (SB_SPRAM256KA, UltraPlus).',
      `${words.length} words of ${sh.dW + sh.bW} bits {b (${sh.bW}), d (${sh.dW})}: words 0..${outputs1 - 1} the first layer's, ${outputs1}..${words.length - 1} the second's;`,
      'dense_loader.v: cfg_addr 0 restarts the load, 1 writes the next word.',
    ],
    addrWidth: sh.aw, wordWidth: sh.dW + sh.bW, words, preload,
  });
}
