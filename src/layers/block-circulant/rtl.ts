/**
 * Block-circulant rtl face: rtl-templates/bcirc_layer.v with its parameters
 * from the plan, the shared FFT (src/fft generateFftRtl, named
 * <name>_fft), the weight memory holding the quantised half spectra, and a
 * generated top with the stream port convention.
 *
 * Weight memory, word (g*B + f)*Q + j of lane l = {im, re} of H_{g*P+l, j}[f]
 * (zero for the padded lanes of the last group):
 *   ebr    one ROM of P lanes per word: an initialised array, block RAM
 *   spram  one single-port RAM per lane, (* ram_style = "huge" *): yosys maps
 *          it to SB_SPRAM256KA. SPRAM has no initial contents on the chip,
 *          so the top has a config port (bcirc_loader.v) through which the
 *          host writes the words (bcircLoadWords gives them in order;
 *          `circa run` sends them, registers.ts is the model); in
 *          simulation the array is preloaded with the same words (an
 *          `ifndef SYNTHESIS` initial block, which synthesis never sees), or
 *          left empty with { preload: false } to test the load path.
 */
import { ROUNDING_CODE, formatName, fromUnsigned } from '../../fixed/index.ts';
import { generateFftRtl } from '../../fft/index.ts';
import { header, instance, packageVersion, portList, streamPorts, template, type Port, type SourceFile } from '../../verilog/index.ts';
import type { LayerRtl } from '../types.ts';
import { packFields, romModule } from '../../verilog/rom.ts';
import { describeSource } from '../circulant-common/weights.ts';
import { bcircWidths, describeBcircFormats, type BlockCirculantPlan } from './plan.ts';
import { bcircCycles } from './cost.ts';

export interface BcircRtlOptions {
  /** SPRAM only: preload the simulation model with the spectra (default true) */
  preload?: boolean;
}

/** Which spectrum value word a of lane l holds: H_{i, j}[f] with i = g*P + l and a = (g*B + f)*Q + j (i >= p past the last output block). */
export function wordPosition(p: BlockCirculantPlan, l: number, a: number): { i: number; j: number; f: number } {
  return { i: Math.floor(a / (p.q * p.bins)) * p.lanes + l, j: a % p.q, f: Math.floor(a / p.q) % p.bins };
}

/** Word a of lane l: H_{g*P+l, j}[f] with a = (g*B + f)*Q + j, zero past the last output block. */
export function laneWord(p: BlockCirculantPlan, l: number, a: number): [number, number] {
  const { i, j, f } = wordPosition(p, l, a);
  return i < p.p ? p.H[i][j][f] : [0, 0];
}

/** A raw {im, re} weight word (as bcircLoadWords packs it) back into (re, im). */
export function unpackWord(p: BlockCirculantPlan, u: number): [number, number] {
  const w = BigInt(p.hWidth);
  const b = BigInt(u);
  return [fromUnsigned(BigInt.asUintN(p.hWidth, b), p.hWidth), fromUnsigned(BigInt.asUintN(p.hWidth, b >> w), p.hWidth)];
}

/** The words a host writes through the config port (cfg_addr 1), in bcirc_loader.v's order, as raw {im, re} integers. */
export function bcircLoadWords(p: BlockCirculantPlan): number[] {
  const words: number[] = [];
  const w = p.hWidth;
  for (let g = 0; g < p.groups; g++) {
    for (let l = 0; l < p.lanes; l++) {
      for (let o = 0; o < p.bins * p.q; o++) {
        const [re, im] = laneWord(p, l, g * p.bins * p.q + o);
        words.push(Number(BigInt.asUintN(w, BigInt(im)) << BigInt(w) | BigInt.asUintN(w, BigInt(re))));
      }
    }
  }
  return words;
}

/** Width of the config data port: a whole weight word. */
export function cfgWidth(p: BlockCirculantPlan): number {
  return 2 * p.hWidth;
}

function ebrWeightRom(p: BlockCirculantPlan, name: string): string {
  const words: string[] = [];
  const comments: string[] = [];
  for (let a = 0; a < p.wordsPerLane; a++) {
    const lanes = Array.from({ length: p.lanes }, (_, l) => laneWord(p, l, a));
    words.push(packFields(lanes.flat(), p.hWidth));
    if (a % p.q === 0) comments.push(`g ${Math.floor(a / (p.q * p.bins))}, f ${Math.floor(a / p.q) % p.bins}, j 0..${p.q - 1}`);
    else comments.push('');
  }
  return romModule(name, [
    `spectra FFT(w_ij) of ${p.name}: ${p.groups} group(s) x ${p.bins} bins x ${p.q} input blocks, ${p.lanes} lane(s) per word`,
    `lane l in bits [l*${2 * p.hWidth} +: ${2 * p.hWidth}] = {im, re} of H_{g*${p.lanes}+l, j}[f], each ${formatName(p.hFormat)}; word (g*${p.bins} + f)*${p.q} + j.`,
  ], p.lanes * 2 * p.hWidth, words, comments);
}

function spramWeightMemory(p: BlockCirculantPlan, name: string, preload: boolean): string {
  const ww = 2 * p.hWidth;
  const aw = bcircWidths(p).WA_W;
  const lanes: string[] = [];
  for (let l = 0; l < p.lanes; l++) {
    const init: string[] = [];
    if (preload) {
      for (let a = 0; a < p.wordsPerLane; a++) init.push(`        mem[${a}] = ${ww}'h${packFields(laneWord(p, l, a), p.hWidth)};`);
    }
    lanes.push(`        // lane ${l}: output blocks g*${p.lanes} + ${l}
        if (1) begin : g_lane${l}
            (* ram_style = "huge" *) reg [${ww - 1}:0] mem [0:${p.wordsPerLane - 1}];
${preload ? `\`ifndef SYNTHESIS
            // Simulation only: the words the host loads through the config port (bcircLoadWords).
            initial begin
${init.map((s) => `    ${s}`).join('\n')}
            end
\`endif
` : ''}            reg  [${ww - 1}:0] rq;
            wire [${aw - 1}:0] a = ld_we[${l}] ? ld_addr : addr;
            always @(posedge clk) begin
                if (ld_we[${l}]) mem[a] <= ld_data;
                else if (en) rq <= mem[a];
            end
            assign q[${l * ww} +: ${ww}] = rq;
        end`);
  }
  return `// ${name}: spectra FFT(w_ij) of ${p.name} in SPRAM (SB_SPRAM256KA, UltraPlus), one single-port RAM per lane.
// Generated by circa ${packageVersion()}. Do not edit: regenerate from the spec instead.
// ${p.wordsPerLane} words of ${ww} bits per lane: word (g*${p.bins} + f)*${p.q} + j = {im, re} of H_{g*${p.lanes}+l, j}[f],
// each ${formatName(p.hFormat)}. SPRAM cannot be initialised by the bitstream: the host writes the words through the
// config port (bcirc_loader.v) before the first vector. Registered read held while en = 0; a load write
// takes the port (load only while the layer is idle).
module ${name} (
    input  wire              clk,
    input  wire              en,
    input  wire [${aw - 1}:0]     addr,
    output wire [${p.lanes * ww - 1}:0]     q,
    input  wire [${p.lanes - 1}:0]      ld_we,
    input  wire [${aw - 1}:0]     ld_addr,
    input  wire [${ww - 1}:0]     ld_data
);
    generate
${lanes.join('\n')}
    endgenerate
endmodule
`;
}

export function bcircParams(p: BlockCirculantPlan): Record<string, number> {
  const w = bcircWidths(p);
  // out blocks in flight in the FFT: (issue-to-output latency + one block) / k, and one more
  const inflight = Math.ceil((p.fftLatency + 3 + p.k) / p.k) + 1;
  return {
    K: p.k, LOG2K: p.log2k, Q: p.q, PB: p.p, P: p.lanes, G: p.groups,
    LAST_LANES: p.lastLanes, B: p.bins, ...w,
    X_W: p.xWidth, F_W: p.fft.inWidth, SHIFT_IN: p.shiftIn, XF_W: p.xfWidth, H_W: p.hWidth,
    PR_W: p.prodWidth, ACC_W: p.accWidth, A_SHIFT: p.aRequant.shift, ROUND: ROUNDING_CODE[p.aRequant.rounding],
    Y_W: p.yWidth, Y_SHIFT: p.yRequant.shift, Y_ROUND: ROUNDING_CODE[p.yRequant.rounding],
    Y_SAT: p.yRequant.overflow === 'saturate' ? 1 : 0, RELU: p.activation === 'relu' ? 1 : 0,
    LAST_IDX: (p.inputs - 1) % p.k, LAST_KEEP: p.lastKeep,
    INF_W: Math.max(2, Math.ceil(Math.log2(inflight + 1))),
  };
}

export function bcircRtl(p: BlockCirculantPlan, opts: BcircRtlOptions = {}): LayerRtl {
  const top = `${p.name}_top`;
  const fft = generateFftRtl(p.fft);
  const params = bcircParams(p);
  const widths = bcircWidths(p);
  const wmemName = `${p.name}_wmem`;
  const spram = p.memory === 'spram';
  const ww = 2 * p.hWidth;
  const cyc = bcircCycles(p);
  const extraPorts: Port[] = [
    ...(spram ? [
      { name: 'cfg_we', dir: 'input' as const, width: 1 },
      { name: 'cfg_addr', dir: 'input' as const, width: 2 },
      { name: 'cfg_data', dir: 'input' as const, width: cfgWidth(p) },
    ] : []),
    { name: 'busy', dir: 'output', width: 1 },
  ];
  const io = { inLanes: 1, inWidth: p.xWidth, outLanes: p.k, outWidth: p.yWidth, inBeats: p.inputs, outBeats: p.p };
  const head = header(`${top}: block-circulant layer (CirCNN), ${p.inputs} -> ${p.outputs}, blocks ${p.k} x ${p.k}, ${p.lanes} MAC lane(s)`, {
    inputs: p.inputs,
    outputs: p.outputs,
    blockSize: p.k,
    blocks: `${p.p} x ${p.q} (output x input), ${p.groups} group(s) of ${p.lanes}`,
    input: formatName(p.xFormat),
    weights: describeSource(p.weightSource),
    formats: describeBcircFormats(p),
    output: `${formatName(p.yFormat)}, shift ${p.yRequant.shift}, ${p.yRequant.rounding}, ${p.yRequant.overflow}, ${p.activation}`,
    memory: spram ? `SPRAM, ${p.spramBlocks} block(s), loaded through the config port` : `EBR ROM, ${p.wordsPerLane} words of ${p.lanes * ww} bits`,
  }, [
    'y_i = sum_j IFFT(FFT(w_ij) o FFT(x_j)): each input block is transformed once, the products are summed',
    'over j in the frequency domain (k/2 + 1 bins, conjugate symmetry), one inverse transform per output',
    'block, taken by the same forward FFT as conj(FFT(conj(A))). See rtl-templates/bcirc_layer.v for the',
    'schedule. Output beats carry one block of k lanes (m_keep on the last one).',
    `Latency, first input to last output, no stalls: ${cyc.latency} cycles; period ${cyc.period} cycles.`,
    ...(spram ? ['Config port: cfg_addr 0 = restart the weight load, 1 = write the next weight word (bcirc_loader.v).'] : []),
  ]);
  const loader = spram ? `
    // ---- run-time load of the spectra into SPRAM ----
    wire [${p.lanes - 1}:0]  ld_we;
    wire [${widths.WA_W - 1}:0] ld_addr;
    wire [${ww - 1}:0] ld_data;
${instance('bcirc_loader', 'u_loader', { P: p.lanes, LANE_W: widths.LANE_W, WA_W: widths.WA_W, BLOCK: p.bins * p.q, WORD_W: ww, CFG_W: cfgWidth(p) }, {
    clk: 'clk', rst: 'rst', cfg_we: 'cfg_we', cfg_addr: 'cfg_addr', cfg_data: 'cfg_data', ld_we: 'ld_we', ld_addr: 'ld_addr', ld_data: 'ld_data',
  }, '    ')}
` : '';
  const text = `${head}
module ${top} (
${portList(streamPorts(io, extraPorts))}
);
    // ---- the layer: loader, MAC, collector (rtl-templates/bcirc_layer.v) ----
    wire               fft_s_valid, fft_s_ready, fft_m_valid, fft_m_ready, fft_m_last, fft_ovf;
    wire [1:0]         fft_m_keep;
    wire [${2 * p.fft.inWidth - 1}:0]        fft_s_data;
    wire [${2 * p.xfWidth - 1}:0]        fft_m_data;
    wire               w_en;
    wire [${widths.WA_W - 1}:0]        w_addr;
    wire [${p.lanes * ww - 1}:0]        w_q;
${instance('bcirc_layer', 'u_layer', params, {
    clk: 'clk', rst: 'rst',
    s_valid: 's_valid', s_ready: 's_ready', s_data: 's_data', s_last: 's_last',
    m_valid: 'm_valid', m_ready: 'm_ready', m_data: 'm_data', m_keep: 'm_keep', m_last: 'm_last',
    ovf: 'ovf', busy: 'busy',
    fft_s_valid: 'fft_s_valid', fft_s_ready: 'fft_s_ready', fft_s_data: 'fft_s_data',
    fft_m_valid: 'fft_m_valid', fft_m_ready: 'fft_m_ready', fft_m_data: 'fft_m_data', fft_ovf: 'fft_ovf',
    w_en: 'w_en', w_addr: 'w_addr', w_q: 'w_q',
  }, '    ')}

    // ---- the ${p.k}-point FFT, shared by the input and the output blocks ----
${instance(fft.top, 'u_fft', {}, {
    clk: 'clk', rst: 'rst', s_valid: 'fft_s_valid', s_ready: 'fft_s_ready', s_data: 'fft_s_data', s_last: "1'b0",
    m_valid: 'fft_m_valid', m_ready: 'fft_m_ready', m_data: 'fft_m_data', m_keep: 'fft_m_keep', m_last: 'fft_m_last', ovf: 'fft_ovf',
  }, '    ')}

${loader}
    // ---- the spectra FFT(w_ij): ${spram ? 'SPRAM' : 'EBR ROM'} ----
${instance(wmemName, 'u_wmem', {}, spram
    ? { clk: 'clk', en: 'w_en', addr: 'w_addr', q: 'w_q', ld_we: 'ld_we', ld_addr: 'ld_addr', ld_data: 'ld_data' }
    : { clk: 'clk', en: 'w_en', addr: 'w_addr', q: 'w_q' }, '    ')}

    // the FFT's keep and last outputs are not needed (blocks are k samples)
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, fft_m_keep, fft_m_last};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
`;
  const wmem = spram ? spramWeightMemory(p, wmemName, opts.preload ?? true) : ebrWeightRom(p, wmemName);
  const seen = new Set<string>();
  const sources: SourceFile[] = [
    template('requant.v'),
    ...fft.sources,
    template('bcirc_layer.v'),
    ...(spram ? [template('bcirc_loader.v')] : []),
    { name: `${wmemName}.v`, text: wmem },
    { name: `${top}.v`, text },
  ].filter((s) => (seen.has(s.name) ? false : (seen.add(s.name), true)));
  return {
    sources,
    top,
    io,
    params: { ...params, memory: p.memory, spectrum: formatName(p.hFormat), fftLatency: p.fftLatency },
    extraPorts,
  };
}
