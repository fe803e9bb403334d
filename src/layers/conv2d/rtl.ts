/**
 * Conv2d rtl face: the parameters of rtl-templates/conv_layer.v from the
 * plan, the weight and bias ROMs (dense's ROM module: word g*KK + k, lane j =
 * W[g*P + j] at window element k in the issue order (ky, kx, c);
 * block-circulant: word (rg*KH*K + pos)*(C/k) + c/k, slot b*k + t =
 * w[rg*RB + b][c/k][t] at kernel position pos, see conv_layer.v), and a top
 * with the stream port convention of src/sim/stream.ts. With memory "spram"
 * the weight memory is an SB_SPRAM256KA RAM the host loads through the
 * config port (dense_loader.v, src/verilog/spram.ts; registers.ts models it).
 */
import { ROUNDING_CODE, formatName, toHex } from '../../fixed/index.ts';
import { header, instance, portList, streamPorts, template, type Port, type SourceFile } from '../../verilog/index.ts';
import { bitsFor } from '../formats.ts';
import { ACT_CODE, decl, dual8Sources, laneWord, romModule } from '../dense/rtl.ts';
import { loadedSpramModule } from '../../target/index.ts';
import type { LayerRtl } from '../types.ts';
import { spramLoaderPorts, spramLoaderWiring, weightMemoryPorts } from '../spram-load.ts';
import type { StreamInterface } from '../../sim/stream.ts';
import { bcIndex, type Conv2dPlan, type ConvEngine } from './plan.ts';
import { conv2dCycles } from './cost.ts';

/** Bits of a signed value in lo..hi. */
export function signedBits(lo: number, hi: number): number {
  return Math.max(bitsFor(Math.max(-lo - 1, hi, 0)) + 1, 2);
}

/**
 * The engine's parameters of conv_layer.v (geometry, counters, stream
 * widths): shared with the pool kind. `mode` 0 convolution, 1 max, 2 average;
 * `ci` channel iterations per window position (C, or 1 for pooling).
 */
export function engineParams(p: ConvEngine, mode: number, ci: number): Record<string, number> {
  const maxPos = Math.max(p.h, p.w, (p.ho - 1) * p.stride + p.kh, (p.wo - 1) * p.stride + p.k) + p.rows;
  return {
    MODE: mode, CI: ci,
    H: p.h, W: p.w, C: p.c, P: p.lanes, GROUPS: p.groups,
    K: p.k, KH: p.kh, S: p.stride, PT: p.padTop, PL: p.padLeft, HO: p.ho, WO: p.wo, NB: p.rows,
    BEAT: p.beat, CW: p.pixelBeats, KK: p.kk,
    POS_W: signedBits(-Math.max(p.padTop, p.padLeft) - Math.max(p.k, p.kh), maxPos),
    AV_W: signedBits(-p.h - 1, p.rows + p.h + 1),
    XA_W: bitsFor(p.rows * p.w * p.pixelBeats - 1),
    RB_W: bitsFor(p.w * p.pixelBeats - 1),
    C_W: bitsFor(Math.max(ci, mode === 0 ? 1 : p.pixelBeats) - 1),
    KX_W: bitsFor(p.k - 1),
    KY_W: bitsFor(p.kh - 1),
    OX_W: bitsFor(p.wo - 1),
    OY_W: bitsFor(p.ho - 1),
    SL_W: bitsFor(p.rows - 1),
    L_W: bitsFor(p.beat - 1),
    G_W: bitsFor(p.groups - 1),
  };
}

export function conv2dParams(p: Conv2dPlan): Record<string, number | string> {
  return {
    ...engineParams(p, 0, p.c),
    M: p.m,
    WA_W: bitsFor(p.romDepth - 1),
    BK: p.blockSize, SLOTS: p.slots, GPR: p.groupsPerRow, CB_W: bitsFor(p.blockSize - 1), GR_W: bitsFor(p.groupsPerRow - 1),
    X_W: p.xWidth, W_W: p.wWidth, B_W: p.bWidth, BSHIFT: p.biasShift,
    PROD_W: p.prodWidth, ACC_W: p.accWidth, Y_W: p.yWidth,
    SHIFT: p.requant.shift, ROUND: ROUNDING_CODE[p.requant.rounding], SAT: p.requant.overflow === 'saturate' ? 1 : 0,
    ACT: ACT_CODE[p.activation],
    CLIP_LO: `${p.yWidth}'sh${toHex(p.clipLo, p.yWidth)}`,
    CLIP_HI: `${p.yWidth}'sh${toHex(p.clipHi, p.yWidth)}`,
    // two output-channel lanes per SB_MAC16 (its 8x8 mode, dsp_dual8.v); absent (0) with "dsp": "single"
    ...(p.dsp === 'dual8' ? { DUAL8: 1 } : {}),
  };
}

/** `beat` channels of a pixel per input beat; P output channels per output beat. */
export function conv2dIo(p: Conv2dPlan): StreamInterface {
  return { inLanes: p.beat, inWidth: p.xWidth, outLanes: p.lanes, outWidth: p.yWidth, inBeats: p.beats, outBeats: p.outBeats };
}

function laneOf<T>(p: Conv2dPlan, g: number, j: number, get: (o: number) => T, zero: T): T {
  const o = g * p.lanes + j;
  return o < p.m ? get(o) : zero;
}

/**
 * The raw values of weight word `a` (slot 0 first). Dense: word g*KK + e,
 * lane j = W[g*P + j][e]. Block-circulant: word (rg*KPOS + pos)*CB + bc,
 * slot b*k + t = w[rg*RB + b][bc][t] at pos (zero past the last block row).
 */
export function conv2dWordValues(p: Conv2dPlan, a: number): number[] {
  if (p.structure === 'dense') {
    const g = Math.floor(a / p.kk);
    const e = a % p.kk;
    return Array.from({ length: p.lanes }, (_, j) => laneOf(p, g, j, (o) => p.weights[o][e], 0));
  }
  const { rg, pos, bc } = bcWordOf(p, a);
  const k = p.blockSize;
  return Array.from({ length: p.slots }, (_, s) => {
    const bo = rg * p.blockRows + Math.floor(s / k);
    return bo < p.m / k ? p.bcWeights[bcIndex(p, bo, bc, s % k, Math.floor(pos / p.k), pos % p.k)] : 0;
  });
}

/** Block-circulant word a: its row group, kernel position (ky*K + kx) and block column. */
export function bcWordOf(p: Conv2dPlan, a: number): { rg: number; pos: number; bc: number } {
  const cb = p.c / p.blockSize;
  const kpos = p.kh * p.k;
  return { rg: Math.floor(a / (kpos * cb)), pos: Math.floor(a / cb) % kpos, bc: a % cb };
}

/** The weight words the host loads with memory "spram" (and the ROM's words), as unsigned integers. */
export function conv2dLoadWords(p: Conv2dPlan): bigint[] {
  return Array.from({ length: p.romDepth }, (_, a) => BigInt(`0x${laneWord(conv2dWordValues(p, a), p.wWidth)}`));
}

function weightLayout(p: Conv2dPlan): string {
  return p.structure === 'dense'
    ? `word g*${p.kk} + (ky*${p.k} + kx)*${p.c} + c = W[g*${p.lanes} + j][c][ky][kx] in lane j`
    : `block-circulant, k = ${p.blockSize}: word (rg*${p.kh * p.k} + ky*${p.k} + kx)*${p.c / p.blockSize} + c/${p.blockSize}, ` +
      `slot b*${p.blockSize} + t = w[rg*${p.blockRows} + b][c/${p.blockSize}][t][ky][kx] (W[o][c] = w[o/k][c/k][(o - c) mod k])`;
}

export function conv2dRtl(p: Conv2dPlan, opts: { preload?: boolean } = {}): LayerRtl {
  const params = conv2dParams(p);
  const top = `${p.name}_top`;
  const cyc = conv2dCycles(p);
  const wromName = `${p.name}_wrom`;
  const bromName = `${p.name}_brom`;
  const spram = p.memory === 'spram';
  const waW = params.WA_W as number;
  const wWords = Array.from({ length: p.romDepth }, (_, a) => laneWord(conv2dWordValues(p, a), p.wWidth));
  const bWords = Array.from({ length: p.groups }, (_, g) => laneWord(Array.from({ length: p.lanes }, (_, j) => laneOf(p, g, j, (o) => p.bias[o], 0)), p.bWidth));
  const wrom = spram
    ? loadedSpramModule({
      name: wromName,
      describe: [
        `weights of ${p.name} in SPRAM (SB_SPRAM256KA, UltraPlus), ${p.spramBlocks} block(s).`,
        `${p.romDepth} words of ${p.wordWidth} bits (${p.slots} x ${formatName(p.wFormat)}): ${weightLayout(p)}.`,
      ],
      addrWidth: waW, wordWidth: p.wordWidth, words: wWords, preload: opts.preload ?? true,
      preloadNote: 'the words the host loads through the config port (conv2dLoadWords)',
    })
    : romModule(
      wromName,
      `weights of ${p.name}, ${p.m} filters of ${p.kh} x ${p.k} x ${p.c} in ${formatName(p.wFormat)}, ${weightLayout(p)}`,
      waW, p.wordWidth, wWords, p.memory === 'ebr' ? 'block' : undefined,
    );
  const brom = romModule(bromName, `biases of ${p.name}, ${p.m} in ${formatName(p.bFormat)}, word g = bias[g*${p.lanes} + j]`,
    params.G_W as number, p.lanes * p.bWidth, bWords, undefined);
  const act = p.activation === 'hardtanh' ? `hardtanh (clip to ${p.clipLo}..${p.clipHi} raw)` : p.activation;
  const head = header(
    `${top}: conv2d ${p.h} x ${p.w} x ${p.c} -> ${p.ho} x ${p.wo} x ${p.m}, kernel ${p.k}, stride ${p.stride}, ${p.padding}, ${p.lanes} MAC lane(s)`,
    {
      input: `${p.h} x ${p.w} pixels of ${p.c} channel(s), ${formatName(p.xFormat)}, ${p.beat} channel(s) per beat`,
      output: `${p.ho} x ${p.wo} pixels of ${p.m} channel(s), ${formatName(p.yFormat)}, ${p.lanes} per beat; shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}`,
      padding: `${p.padding} (top ${p.padTop}, left ${p.padLeft})`,
      'line buffer': `${p.rows} rows of ${p.w} pixels`,
      weights: `${formatName(p.wFormat)}, ${p.source.type === 'random' ? `seeded random, seed ${p.source.seed}, scale ${p.source.scale}` : `explicit ${p.source.raw ? 'raw integers' : 'reals'}`}`,
      bias: p.hasBias ? `${formatName(p.bFormat)}, aligned by << ${p.biasShift}` : 'none',
      accumulator: `${p.accWidth} bits (Q.${p.accFrac}), products ${p.prodWidth} bits`,
      activation: act,
      structure: p.structure === 'dense' ? 'dense' : `block-circulant, k = ${p.blockSize} (${p.romDepth} words of ${p.slots} values)`,
      memory: spram ? `SPRAM, ${p.spramBlocks} block(s), loaded through the config port` : p.memory,
    },
    [
      'Stream order: raster, pixel by pixel, the channels of a pixel together (in and out).',
      `Schedule: the line buffer takes image rows as they come (a row's first beat waits for a free slot of ${p.rows});`,
      `each output row starts when its input rows are in (and the row before it has issued), then issues`,
      `${p.wo} pixel(s) x ${p.groups} group(s) x ${p.kk} window elements, one MAC per lane per cycle;`,
      'pipeline after an issue: R reads, P products, C accumulate, O requantise + activation.',
      `Latency, first input to last output, no stalls, from idle: ${cyc.latency} cycles; period back to back: ${cyc.period} cycles.`,
      ...(p.structure === 'block-circulant' ? [
        `Block-circulant weights: a word per ${p.blockSize} issues, rotated one slot per issue; lane j reads slot ` +
          (p.groupsPerRow > 1 ? `(g mod ${p.groupsPerRow})*${p.lanes} + j.` : 'j.'),
      ] : []),
      'See rtl-templates/conv_layer.v.',
      ...(spram ? ['Config port: cfg_addr 0 = restart the weight load, 1 = write the next weight word (dense_loader.v).'] : []),
    ],
  );
  const extraPorts: Port[] = [
    ...(spram ? spramLoaderPorts(p.wordWidth) : []),
    { name: 'busy', dir: 'output', width: 1 },
  ];
  const loader = spram ? spramLoaderWiring(waW, p.wordWidth) : '';
  const text = `${head}
module ${top} (
${portList(streamPorts({ inLanes: p.beat, inWidth: p.xWidth, outLanes: p.lanes, outWidth: p.yWidth }, extraPorts))}
);
    // ${spram ? 'weight SPRAM and bias ROM' : 'weight and bias ROMs'}: registered reads, held by rom_en
${decl('wire', 1, 'rom_en', ';')}
${decl('wire', waW, 'w_addr', ';')}
${decl('wire', p.wordWidth, 'w_data', ';')}
${decl('wire', params.G_W as number, 'b_addr', ';')}
${decl('wire', p.lanes * p.bWidth, 'b_data', ';')}

${instance('conv_layer', 'u_layer', params, {
    clk: 'clk', rst: 'rst',
    s_valid: 's_valid', s_ready: 's_ready', s_data: 's_data', s_last: 's_last',
    m_valid: 'm_valid', m_ready: 'm_ready', m_data: 'm_data', m_keep: 'm_keep', m_last: 'm_last',
    ovf: 'ovf', busy: 'busy',
    rom_en: 'rom_en', w_addr: 'w_addr', w_data: 'w_data', b_addr: 'b_addr', b_data: 'b_data',
  }, '    ')}
${loader}
${instance(wromName, 'u_wrom', {}, weightMemoryPorts(spram), '    ')}

${instance(bromName, 'u_brom', {}, { clk: 'clk', en: 'rom_en', addr: 'b_addr', q: 'b_data' }, '    ')}
endmodule
`;
  const sources: SourceFile[] = [
    template('requant.v'),
    template('requant_act.v'),
    template('conv_layer.v'),
    ...dual8Sources(p.dsp),
    ...(spram ? [template('dense_loader.v')] : []),
    { name: `${wromName}.v`, text: wrom },
    { name: `${bromName}.v`, text: brom },
    { name: `${top}.v`, text },
  ];
  return { sources, top, io: conv2dIo(p), params, extraPorts };
}
