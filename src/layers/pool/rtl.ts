/**
 * Pool rtl face: rtl-templates/conv_layer.v in MODE 1 (max) or 2 (average)
 * with the engine's parameters (src/layers/conv2d/rtl.ts, engineParams) and
 * no weight memories: the top ties the weight and bias inputs to zero.
 */
import { ROUNDING_CODE, formatName } from '../../fixed/index.ts';
import { header, instance, portList, streamPorts, template, type Port, type SourceFile } from '../../verilog/index.ts';
import { decl } from '../dense/rtl.ts';
import { engineParams } from '../conv2d/rtl.ts';
import { conv2dCycles } from '../conv2d/cost.ts';
import type { LayerRtl } from '../types.ts';
import type { StreamInterface } from '../../sim/stream.ts';
import type { PoolPlan } from './plan.ts';

export function poolParams(p: PoolPlan): Record<string, number | string> {
  return {
    ...engineParams(p, p.op === 'max' ? 1 : 2, 1),
    M: p.c,
    WA_W: 1, X_W: p.xWidth, W_W: 1, B_W: 1, BSHIFT: 0, PROD_W: 2, SLOTS: p.lanes,
    ACC_W: p.accWidth, Y_W: p.yWidth,
    SHIFT: p.requant.shift, ROUND: ROUNDING_CODE[p.requant.rounding], SAT: p.requant.overflow === 'saturate' ? 1 : 0,
    ACT: 0,
    CLIP_LO: `${p.yWidth}'sh0`, CLIP_HI: `${p.yWidth}'sh0`,
  };
}

export function poolIo(p: PoolPlan): StreamInterface {
  return { inLanes: p.beat, inWidth: p.xWidth, outLanes: p.lanes, outWidth: p.yWidth, inBeats: p.beats, outBeats: p.outBeats };
}

export function poolRtl(p: PoolPlan): LayerRtl {
  const params = poolParams(p);
  const top = `${p.name}_top`;
  const cyc = conv2dCycles(p);
  const head = header(
    `${top}: ${p.op} pooling ${p.h} x ${p.w} x ${p.c} -> ${p.ho} x ${p.wo} x ${p.c}, window ${p.kh} x ${p.k}, stride ${p.stride}`,
    {
      input: `${p.h} x ${p.w} pixels of ${p.c} channel(s), ${formatName(p.xFormat)}, ${p.beat} channel(s) per beat`,
      output: `${formatName(p.yFormat)}, ${p.beat} channel(s) per beat; shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}`,
      accumulator: p.op === 'max' ? `the largest value, ${p.accWidth} bits` : `the sum of ${p.kk}, ${p.accWidth} bits`,
      'line buffer': `${p.rows} rows of ${p.w} pixels`,
    },
    [
      'Stream order: raster, pixel by pixel, the channels of a pixel together (in and out).',
      `Schedule (conv_layer.v, MODE ${params.MODE}): each output row starts when its input rows are in, then issues`,
      `${p.wo} pixel(s) x ${p.groups} beat(s) x ${p.kk} window elements; lane j of beat g pools channel g*${p.beat} + j.`,
      `Latency, first input to last output, no stalls, from idle: ${cyc.latency} cycles; period back to back: ${cyc.period} cycles.`,
    ],
  );
  const extraPorts: Port[] = [{ name: 'busy', dir: 'output', width: 1 }];
  const text = `${head}
module ${top} (
${portList(streamPorts({ inLanes: p.beat, inWidth: p.xWidth, outLanes: p.lanes, outWidth: p.yWidth }, extraPorts))}
);
    // no weights: the engine's weight and bias inputs read zero
${decl('wire', 1, 'rom_en', ';')}
${decl('wire', 1, 'w_addr', ';')}
${decl('wire', params.G_W as number, 'b_addr', ';')}
${decl('wire', p.lanes, 'w_zero', ` = ${p.lanes}'d0;`)}
${decl('wire', p.lanes, 'b_zero', ` = ${p.lanes}'d0;`)}

${instance('conv_layer', 'u_layer', params, {
    clk: 'clk', rst: 'rst',
    s_valid: 's_valid', s_ready: 's_ready', s_data: 's_data', s_last: 's_last',
    m_valid: 'm_valid', m_ready: 'm_ready', m_data: 'm_data', m_keep: 'm_keep', m_last: 'm_last',
    ovf: 'ovf', busy: 'busy',
    rom_en: 'rom_en', w_addr: 'w_addr', w_data: 'w_zero', b_addr: 'b_addr', b_data: 'b_zero',
  }, '    ')}
    wire unused_rom = &{1'b0, rom_en, w_addr, b_addr};
endmodule
`;
  const sources: SourceFile[] = [template('requant.v'), template('requant_act.v'), template('conv_layer.v'), { name: `${top}.v`, text }];
  return { sources, top, io: poolIo(p), params, extraPorts };
}
