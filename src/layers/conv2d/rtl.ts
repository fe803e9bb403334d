/**
 * Conv2d rtl face: the parameters of rtl-templates/conv_layer.v from the
 * plan, the weight and bias ROMs (dense's ROM module: word g*KK + k, lane j =
 * W[g*P + j] at window element k in the issue order (ky, kx, c)), and a top
 * with the stream port convention of src/sim/stream.ts.
 */
import { ROUNDING_CODE, formatName, toHex } from '../../fixed/index.ts';
import { header, instance, portList, streamPorts, template, type Port, type SourceFile } from '../../verilog/index.ts';
import { bitsFor } from '../formats.ts';
import { ACT_CODE, decl, dual8Sources, laneWord, romModule } from '../dense/rtl.ts';
import type { LayerRtl } from '../types.ts';
import type { StreamInterface } from '../../sim/stream.ts';
import type { Conv2dPlan, ConvEngine } from './plan.ts';
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
    WA_W: bitsFor(p.groups * p.kk - 1),
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

export function conv2dRtl(p: Conv2dPlan): LayerRtl {
  const params = conv2dParams(p);
  const top = `${p.name}_top`;
  const cyc = conv2dCycles(p);
  const wromName = `${p.name}_wrom`;
  const bromName = `${p.name}_brom`;
  const wWords: string[] = [];
  for (let g = 0; g < p.groups; g++) {
    for (let k = 0; k < p.kk; k++) wWords.push(laneWord(Array.from({ length: p.lanes }, (_, j) => laneOf(p, g, j, (o) => p.weights[o][k], 0)), p.wWidth));
  }
  const bWords = Array.from({ length: p.groups }, (_, g) => laneWord(Array.from({ length: p.lanes }, (_, j) => laneOf(p, g, j, (o) => p.bias[o], 0)), p.bWidth));
  const wrom = romModule(
    wromName,
    `weights of ${p.name}, ${p.m} filters of ${p.k} x ${p.k} x ${p.c} in ${formatName(p.wFormat)}, word g*${p.kk} + (ky*${p.k} + kx)*${p.c} + c = W[g*${p.lanes} + j][c][ky][kx]`,
    params.WA_W as number, p.wordWidth, wWords, p.memory === 'ebr' ? 'block' : undefined,
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
      memory: p.memory,
    },
    [
      'Stream order: raster, pixel by pixel, the channels of a pixel together (in and out).',
      `Schedule: the line buffer takes image rows as they come (a row's first beat waits for a free slot of ${p.rows});`,
      `each output row starts when its input rows are in (and the row before it has issued), then issues`,
      `${p.wo} pixel(s) x ${p.groups} group(s) x ${p.kk} window elements, one MAC per lane per cycle;`,
      'pipeline after an issue: R reads, P products, C accumulate, O requantise + activation.',
      `Latency, first input to last output, no stalls, from idle: ${cyc.latency} cycles; period back to back: ${cyc.period} cycles.`,
      'See rtl-templates/conv_layer.v.',
    ],
  );
  const extraPorts: Port[] = [{ name: 'busy', dir: 'output', width: 1 }];
  const text = `${head}
module ${top} (
${portList(streamPorts({ inLanes: p.beat, inWidth: p.xWidth, outLanes: p.lanes, outWidth: p.yWidth }, extraPorts))}
);
    // weight and bias ROMs: registered reads, held by rom_en
${decl('wire', 1, 'rom_en', ';')}
${decl('wire', params.WA_W as number, 'w_addr', ';')}
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

${instance(wromName, 'u_wrom', {}, { clk: 'clk', en: 'rom_en', addr: 'w_addr', q: 'w_data' }, '    ')}

${instance(bromName, 'u_brom', {}, { clk: 'clk', en: 'rom_en', addr: 'b_addr', q: 'b_data' }, '    ')}
endmodule
`;
  const sources: SourceFile[] = [
    template('requant.v'),
    template('conv_layer.v'),
    ...dual8Sources(p.dsp),
    { name: `${wromName}.v`, text: wrom },
    { name: `${bromName}.v`, text: brom },
    { name: `${top}.v`, text },
  ];
  return { sources, top, io: conv2dIo(p), params, extraPorts };
}
