/**
 * Dense rtl face: the parameters of rtl-templates/dense_layer.v, taken from
 * the plan, two generated memory modules (weights and biases), and a
 * generated top that joins them and exposes the stream port convention of
 * src/sim/stream.ts.
 *
 * Weights, word g*N + k = W[g*P + j][k] in lane j (zero past the last row):
 *   auto, ebr  a ROM: an initialised register array (the one `initial` the
 *              conventions allow); rom_style "block" with ebr
 *   spram      a single-port RAM, (* ram_style = "huge" *): yosys maps it to
 *              SB_SPRAM256KA. SPRAM has no initial contents on the chip, so
 *              the top has a config port (dense_loader.v) through which the
 *              host writes the words (denseLoadWords gives them in order;
 *              `circa run` sends them, registers.ts is the model); in
 *              simulation the array is preloaded with the same words (an
 *              `ifndef SYNTHESIS initial block, which synthesis never sees),
 *              or left empty with { preload: false } to test the load path.
 * The biases (GROUPS words) stay in a small ROM either way.
 */
import { working } from '../../work.ts';
import { ROUNDING_CODE, formatName, toHex, toUnsigned } from '../../fixed/index.ts';
import { header, instance, packageVersion, portList, streamPorts, template, type Port, type SourceFile } from '../../verilog/index.ts';
import { loadedSpramModule } from '../../target/index.ts';
import type { LayerRtl } from '../types.ts';
import { spramLoaderPorts, spramLoaderWiring, weightMemoryPorts } from '../spram-load.ts';
import type { DensePlan } from './plan.ts';
import type { DspMode } from './spec.ts';
import { denseCycles } from './cost.ts';

/** Bits to hold the unsigned values 0..maxValue (at least 1). */
function bitsFor(maxValue: number): number {
  return Math.max(1, Math.ceil(Math.log2(maxValue + 1)));
}

/**
 * The templates a layer with "dsp": "dual8" adds: the dual 8x8 multiplier
 * (dsp_dual8.v) and the row of lanes that pairs them (dsp_dual8_lanes.v,
 * used by dense_layer.v, conv_layer.v and tvscm_layer.v); none with "single".
 */
export function dual8Sources(dsp: DspMode): SourceFile[] {
  return dsp === 'dual8' ? [template('dsp_dual8.v'), template('dsp_dual8_lanes.v')] : [];
}

export const ACT_CODE = { identity: 0, relu: 1, hardtanh: 2 } as const;

/** Every parameter of dense_layer, derived from the plan and nowhere else. */
export function denseParams(p: DensePlan): Record<string, number | string> {
  return {
    N: p.n,
    M: p.m,
    P: p.lanes,
    GROUPS: p.groups,
    K_W: bitsFor(p.n - 1),
    BEAT: p.beat,
    L_W: bitsFor(p.beat - 1),
    BUFFERS: p.buffers,
    XA_W: bitsFor(p.buffers * p.beats - 1), // an input buffer word address: BUFFERS buffers of n/beat words
    G_W: bitsFor(p.groups - 1),
    WA_W: bitsFor(p.groups * p.n - 1),
    X_W: p.xWidth,
    W_W: p.wWidth,
    B_W: p.bWidth,
    BSHIFT: p.biasShift,
    PROD_W: p.prodWidth,
    ACC_W: p.accWidth,
    Y_W: p.yWidth,
    SHIFT: p.requant.shift,
    ROUND: ROUNDING_CODE[p.requant.rounding],
    SAT: p.requant.overflow === 'saturate' ? 1 : 0,
    ACT: ACT_CODE[p.activation],
    CLIP_LO: `${p.yWidth}'sh${toHex(p.clipLo, p.yWidth)}`,
    CLIP_HI: `${p.yWidth}'sh${toHex(p.clipHi, p.yWidth)}`,
    // two lanes per SB_MAC16 (its 8x8 mode, dsp_dual8.v); absent (0) with "dsp": "single"
    ...(p.dsp === 'dual8' ? { DUAL8: 1 } : {}),
  };
}

/** The stream interface: `beat` elements per input beat, P lanes per output beat. */
export function denseIo(p: DensePlan) {
  return { inLanes: p.beat, inWidth: p.xWidth, outLanes: p.lanes, outWidth: p.yWidth, inBeats: p.beats, outBeats: p.groups };
}

export function denseTopName(p: DensePlan): string {
  return `${p.name}_top`;
}

/** Raw value of lane j of group g at element k (zero past the last row). */
function laneWeight(p: DensePlan, g: number, j: number, k: number): number {
  const row = g * p.lanes + j;
  return row < p.m ? p.w[row][k] : 0;
}
function laneBias(p: DensePlan, g: number, j: number): number {
  const row = g * p.lanes + j;
  return row < p.m ? p.bias[row] : 0;
}

/** One port or wire declaration, columns aligned. */
export function decl(dir: string, w: number, name: string, end = ','): string {
  const range = w > 1 ? `[${w - 1}:0]` : '';
  return `    ${dir.padEnd(12)} ${range.padEnd(10)} ${name}${end}`;
}

/** Hex of a word of lanes, lane 0 in the low bits, each lane w bits of two's complement. */
export function laneWord(values: number[], w: number): string {
  return packLanes(values, w).toString(16).padStart(Math.ceil((values.length * w) / 4), '0');
}

/** A word of lanes as an unsigned integer, lane 0 in the low bits. */
function packLanes(values: number[], w: number): bigint {
  let v = 0n;
  for (let j = values.length - 1; j >= 0; j--) v = (v << BigInt(w)) | toUnsigned(values[j], w);
  return v;
}

/** The raw lanes of weight word a = g*N + k: W[g*P + j][k], zero past the last row. */
export function weightWordLanes(p: DensePlan, a: number): number[] {
  const g = Math.floor(a / p.n);
  const k = a % p.n;
  return Array.from({ length: p.lanes }, (_, j) => laneWeight(p, g, j, k));
}

/**
 * The words a host writes through the config port (cfg_addr 1) after a
 * restart, in dense_loader.v's order (the memory's: word g*N + k), as
 * unsigned integers of P*W_W bits.
 */
export function denseLoadWords(p: DensePlan): number[] {
  return Array.from({ length: p.groups * p.n }, (_, a) => Number(packLanes(weightWordLanes(p, a), p.wWidth)));
}

export interface DenseRtlOptions {
  /** SPRAM only: preload the simulation model with the weights (default true) */
  preload?: boolean;
}

/** The header comment every weight ROM module starts with. */
function romHeader(name: string, title: string, words: number, wordWidth: number): string {
  return `// ${name}: ${title}
// Generated by circa ${packageVersion()}. Do not edit: regenerate from the spec instead.
// ${words} words of ${wordWidth} bits; lane j of a word in bits [j*W +: W].`;
}

/** A weight ROM's ports: clk, en, addr in; q out (a register, or a wire after a select). */
function romPorts(addrWidth: number, wordWidth: number, q: 'output reg ' | 'output wire'): string {
  return [decl('input  wire', 1, 'clk'), decl('input  wire', 1, 'en'), decl('input  wire', addrWidth, 'addr'), decl(q, wordWidth, 'q', '')].join('\n');
}

/**
 * A ROM module: the given words (hex) of `wordWidth` bits in an initialised register
 * array with a registered read held by `en`. yosys infers block RAM (or
 * logic, for small ROMs under memory "auto"); `style` forces the choice.
 */
export function romModule(
  name: string,
  title: string,
  addrWidth: number,
  wordWidth: number,
  words: string[],
  style: 'block' | undefined,
): string {
  const init = words.map((h, a) => `        rom[${a}] = ${wordWidth}'h${h};`).join('\n');
  return `${romHeader(name, title, words.length, wordWidth)}
module ${name} (
${romPorts(addrWidth, wordWidth, 'output reg ')}
);
    ${style ? `(* rom_style = "${style}" *) ` : ''}reg [${wordWidth - 1}:0] rom [0:${words.length - 1}];
    // ROM contents: the one initial block the conventions allow.
    initial begin
${init}
    end
    always @(posedge clk) begin
        if (en) q <= rom[addr];
    end
endmodule
`;
}

/**
 * memory "ebr-split": the weight ROM split by depth, the same ports and the
 * same registered read as romModule. Words 0..E-1 (E a multiple of 256) are a
 * block RAM array (rom_style "block"), words E..E+T-1 the tail, a small array
 * in LUTs (rom_style "logic"; a LUT4 holds a 16 x 1 ROM). Both are read on
 * every enabled cycle (the tail at addr - E, which is addr's low bits since E
 * is a multiple of 256); a registered select picks one after the registers,
 * so q holds rom[addr] one cycle after `en`, as the unsplit ROM's does.
 */
export function splitRomModule(name: string, title: string, addrWidth: number, wordWidth: number, words: string[], tailWords: number): string {
  const ebrWords = words.length - tailWords;
  const tW = Math.max(1, Math.ceil(Math.log2(tailWords)));
  const eW = Math.max(1, Math.ceil(Math.log2(ebrWords))); // index bits of each array, as Verilator -Wall wants them
  const row = (array: string, a: number, h: string) => `        ${array}[${a}] = ${wordWidth}'h${h};`;
  const ebrInit = words.slice(0, ebrWords).map((h, a) => row('rom_ebr', a, h)).join('\n');
  const tailInit = words.slice(ebrWords).map((h, a) => row('rom_tail', a, h)).join('\n');
  return `${romHeader(name, title, words.length, wordWidth)}
// Split by depth ("memory": "ebr-split"): words 0..${ebrWords - 1} in block RAM (rom_ebr),
// words ${ebrWords}..${words.length - 1} in LUTs (rom_tail, word a at a - ${ebrWords} = addr[${tW - 1}:0]);
// both are read every enabled cycle (rom_ebr at addr[${eW - 1}:0]) and tail_sel, registered beside them, picks one.
module ${name} (
${romPorts(addrWidth, wordWidth, 'output wire')}
);
    (* rom_style = "block" *) reg [${wordWidth - 1}:0] rom_ebr [0:${ebrWords - 1}];
    (* rom_style = "logic" *) reg [${wordWidth - 1}:0] rom_tail [0:${tailWords - 1}];
    reg [${wordWidth - 1}:0] ebr_q;
    reg [${wordWidth - 1}:0] tail_q;
    reg tail_sel;
    // ROM contents: the one initial block the conventions allow.
    initial begin
${ebrInit}
${tailInit}
    end
    always @(posedge clk) begin
        if (en) begin
            ebr_q <= rom_ebr[addr[${eW - 1}:0]];
            tail_q <= rom_tail[addr[${tW - 1}:0]];
            tail_sel <= addr >= ${addrWidth}'d${ebrWords};
        end
    end
    assign q = tail_sel ? tail_q : ebr_q;
endmodule
`;
}

/**
 * The weight memory in SPRAM (src/target/ice40/spram.ts): GROUPS*N words, the
 * same ports as the ROM plus the loader's write.
 */
function spramModule(p: DensePlan, name: string, addrWidth: number, words: string[], preload: boolean): string {
  return loadedSpramModule({
    name,
    describe: [
      `weights of ${p.name} in SPRAM (SB_SPRAM256KA, UltraPlus), ${p.spramBlocks} block(s).`,
      `${words.length} words of ${p.wordWidth} bits: word g*${p.n} + k = W[g*${p.lanes} + j][k] in bits [j*${p.wWidth} +: ${p.wWidth}],`,
      `each ${formatName(p.wFormat)}.`,
    ],
    addrWidth, wordWidth: p.wordWidth, words, preload,
    preloadNote: 'the words the host loads through the config port (denseLoadWords)',
  });
}

export function denseRtl(p: DensePlan, opts: DenseRtlOptions = {}): LayerRtl {
  const spram = p.memory === 'spram';
  const params = denseParams(p);
  const top = denseTopName(p);
  const cyc = denseCycles(p);
  const wromName = `${p.name}_wrom`;
  const bromName = `${p.name}_brom`;
  const waW = params.WA_W as number;
  const gW = params.G_W as number;

  // Weight ROM: word g*n + k holds W[g*P + j][k] in lane j.
  const wWords: string[] = [];
  for (let g = 0; g < p.groups; g++) {
    if (g % 16 === 0) working(`writing the weight ROM of ${p.name}`, g * p.n, p.groups * p.n);
    for (let k = 0; k < p.n; k++) {
      const lanes = Array.from({ length: p.lanes }, (_, j) => laneWeight(p, g, j, k));
      wWords.push(laneWord(lanes, p.wWidth));
    }
  }
  const bWords: string[] = [];
  for (let g = 0; g < p.groups; g++) {
    bWords.push(laneWord(Array.from({ length: p.lanes }, (_, j) => laneBias(p, g, j)), p.bWidth));
  }
  const wTitle = `weights of ${p.name}, ${p.m} x ${p.n} in ${formatName(p.wFormat)}, ${p.groups} group(s) of ${p.lanes} row(s), word g*${p.n} + k = W[g*${p.lanes} + j][k]`;
  const wrom = spram
    ? spramModule(p, wromName, waW, wWords, opts.preload ?? true)
    : p.memory === 'ebr-split'
      ? splitRomModule(wromName, wTitle, waW, p.lanes * p.wWidth, wWords, p.tailWords)
      : romModule(wromName, wTitle, waW, p.lanes * p.wWidth, wWords, p.memory === 'ebr' ? 'block' : undefined);
  const brom = romModule(
    bromName,
    `biases of ${p.name}, ${p.m} in ${formatName(p.bFormat)}, word g = bias[g*${p.lanes} + j]`,
    gW, p.lanes * p.bWidth, bWords, undefined,
  );

  const loadBeats = p.beat > 1 ? `${p.beat} per beat (${p.beats} beats)` : 'one per beat';
  const act = p.activation === 'hardtanh' ? `hardtanh (clip to ${p.clipLo}..${p.clipHi} raw)` : p.activation;
  const src = p.source.type === 'random'
    ? `seeded random, seed ${p.source.seed}, scale ${p.source.scale}`
    : `explicit ${p.source.raw ? 'raw integers' : 'reals'}`;
  const head = header(
    `${top}: dense layer ${p.n} -> ${p.m}, ${p.lanes} MAC lane(s)`,
    {
      inputs: p.n,
      outputs: p.m,
      lanes: p.lanes,
      groups: p.groups,
      'input beat': `${p.beat} element(s), ${p.beats} beat(s) per vector`,
      input: formatName(p.xFormat),
      weights: `${formatName(p.wFormat)} (${src})`,
      bias: `${formatName(p.bFormat)}, aligned by << ${p.biasShift}`,
      accumulator: `${p.accWidth} bits (Q.${p.accFrac}), products ${p.prodWidth} bits`,
      output: `${formatName(p.yFormat)}, shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}`,
      activation: act,
      memory: spram ? `SPRAM, ${p.spramBlocks} block(s), loaded through the config port`
        : p.memory === 'ebr-split' ? `ebr-split: ${p.groups * p.n - p.tailWords} words in ${p.ebrBlocks} EBR, the last ${p.tailWords} in LUTs` : p.memory,
    },
    [
      `y = act(requant(W x + bias)), W is ${p.m} x ${p.n}`,
      ...(p.buffers > 1 ? [
        `Schedule: LOAD takes ${p.n} elements, ${loadBeats}, into the free one of two input buffers;`,
        'RUN issues a full buffer while the next vector loads into the other one; it issues',
      ] : [
        `Schedule: LOAD takes ${p.n} elements, ${loadBeats}, into the one input buffer; RUN issues`,
        '(the next vector loads once the last MAC is issued):',
      ]),
      `${p.groups} group(s) x ${p.n} cycles: each cycle reads x[k] once and one weight per lane,`,
      ...(p.beat > 1 ? [`(x[k] is lane k%${p.beat} of buffer word k/${p.beat}, selected in front of the multipliers in P),`] : []),
      `lane j of group g accumulates row g*${p.lanes} + j (one MAC per lane per cycle), starting from`,
      'its bias; each group leaves as one output beat of P lanes (m_keep on the last one).',
      'Pipeline after an issue: R reads, P products, C accumulate, O requantise + activation.',
      ...(p.dsp === 'dual8' ? [`DSP: lanes 2i and 2i+1 share one SB_MAC16 in 8x8 mode (dsp_dual8.v), ${p.dspBlocks} DSP(s) for ${p.lanes} lane(s).`] : []),
      `Latency, first input to last output, no stalls, from idle: ${cyc.latency} cycles;`,
      `period back to back (next vector's first input): ${cyc.period} cycles (${cyc.formula}).`,
      'See rtl-templates/dense_layer.v.',
      ...(spram ? ['Config port: cfg_addr 0 = restart the weight load, 1 = write the next weight word (dense_loader.v).'] : []),
    ],
  );
  const extraPorts: Port[] = [
    ...(spram ? spramLoaderPorts(p.wordWidth) : []),
    { name: 'busy', dir: 'output', width: 1 },
  ];
  const loader = spram ? spramLoaderWiring(waW, p.wordWidth) : '';
  const ports: Record<string, string> = {
    clk: 'clk', rst: 'rst',
    s_valid: 's_valid', s_ready: 's_ready', s_data: 's_data', s_last: 's_last',
    m_valid: 'm_valid', m_ready: 'm_ready', m_data: 'm_data', m_keep: 'm_keep', m_last: 'm_last',
    ovf: 'ovf', busy: 'busy',
    rom_en: 'rom_en', w_addr: 'w_addr', w_data: 'w_data', b_addr: 'b_addr', b_data: 'b_data',
  };
  const text = `${head}
module ${top} (
${portList(streamPorts({ inLanes: p.beat, inWidth: p.xWidth, outLanes: p.lanes, outWidth: p.yWidth }, extraPorts))}
);
    // ${spram ? 'weight SPRAM and bias ROM' : 'weight and bias ROMs'}: registered reads, held by rom_en
${decl('wire', 1, 'rom_en', ';')}
${decl('wire', waW, 'w_addr', ';')}
${decl('wire', p.lanes * p.wWidth, 'w_data', ';')}
${decl('wire', gW, 'b_addr', ';')}
${decl('wire', p.lanes * p.bWidth, 'b_data', ';')}

${instance('dense_layer', 'u_layer', params, ports, '    ')}
${loader}
${instance(wromName, 'u_wrom', {}, weightMemoryPorts(spram), '    ')}

${instance(bromName, 'u_brom', {}, { clk: 'clk', en: 'rom_en', addr: 'b_addr', q: 'b_data' }, '    ')}
endmodule
`;
  const sources: SourceFile[] = [
    template('requant.v'),
    template('requant_act.v'),
    template('dense_layer.v'),
    ...dual8Sources(p.dsp),
    ...(spram ? [template('dense_loader.v')] : []),
    { name: `${wromName}.v`, text: wrom },
    { name: `${bromName}.v`, text: brom },
    { name: `${top}.v`, text },
  ];
  return {
    sources,
    top,
    io: denseIo(p),
    params,
    // with the weights in ROM there is no config port and busy is the only extra
    extraPorts,
  };
}
