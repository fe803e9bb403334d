/**
 * TVSCM rtl face: the parameters of rtl-templates/tvscm_layer.v, taken from
 * the plan, and a generated top module that fixes them and exposes the
 * stream port convention of src/sim/stream.ts plus the config port.
 */
import { ROUNDING_CODE, toHex, formatName } from '../../fixed/index.ts';
import { header, instance, portList, sameNameConnections, streamPorts, template, type Port, type SourceFile } from '../../verilog/index.ts';
import type { LayerRtl } from '../types.ts';
import type { TvscmPlan } from './plan.ts';
import { bitsFor } from '../formats.ts';
import { tvscmCycles } from './cost.ts';
import { dual8Sources } from '../dense/rtl.ts';


/** Every parameter of tvscm_layer, derived from the plan and nowhere else. */
export function tvscmParams(p: TvscmPlan): Record<string, number | string> {
  const fetches = p.rows + 2 * p.windowRows;
  // positions range over -(RB)*P .. (ROWS+RB)*P + P - 1; one bit more for the sign
  const posMax = (p.rows + p.windowRows + 1) * p.lanes + p.n + p.radius;
  return {
    N: p.n,
    P: p.lanes,
    ROWS: p.rows,
    BUFFERS: p.buffers,
    ROW_W: bitsFor(p.buffers * p.rows - 1), // a bank address: BUFFERS buffers of ROWS rows
    PLACEMENT: p.placement === 'band' ? 0 : 1,
    RADIUS: p.placement === 'band' ? p.radius : 1,
    RB: p.windowRows,
    FETCHES: fetches,
    FETCH_W: bitsFor(fetches),
    BEAT: p.beat,
    BEATS: p.beats,
    CNT_W: bitsFor(p.beats),
    POS_W: bitsFor(posMax) + 1,
    X_W: p.xWidth,
    W_W: p.wWidth,
    SUM_W: p.sumWidth,
    DIFF_W: p.placement === 'band' ? p.wWidth : p.diffWidth,
    PA_W: p.prodAWidth,
    PB_W: p.prodBWidth,
    ACC_W: p.accWidth,
    Y_W: p.yWidth,
    SHIFT: p.requant.shift,
    ROUND: ROUNDING_CODE[p.requant.rounding],
    SAT: p.requant.overflow === 'saturate' ? 1 : 0,
    RELU: p.relu ? 1 : 0,
    A_INIT: `${p.wWidth}'h${toHex(p.a, p.wWidth)}`,
    B_INIT: `${p.wWidth}'h${toHex(p.b, p.wWidth)}`,
    // the a*x products of two lanes per SB_MAC16 (dsp_dual8.v); absent (0) with "dsp": "single"
    ...(p.dsp === 'dual8' ? { DUAL8: 1 } : {}),
  };
}

/** The stream interface: `beat` elements per input beat, P lanes per output beat. */
export function tvscmIo(p: TvscmPlan) {
  return { inLanes: p.beat, inWidth: p.xWidth, outLanes: p.lanes, outWidth: p.yWidth, inBeats: p.beats, outBeats: p.rows };
}

export function tvscmTopName(p: TvscmPlan): string {
  return `${p.name}_top`;
}

export function tvscmRtl(p: TvscmPlan): LayerRtl {
  const params = tvscmParams(p);
  const top = tvscmTopName(p);
  const cyc = tvscmCycles(p);
  const formula = p.placement === 'band'
    ? `y_i = a*x_i + b*sum_{k=1..${p.radius}} (x_{i-k} + x_{i+k}), indices mod ${p.n}`
    : `y_i = (a - b)*x_i + b*S, S = sum_j x_j`;
  const head = header(
    `${top}: TVSCM layer, n = ${p.n}, ${p.placement}${p.placement === 'band' ? ` radius ${p.radius}` : ''}, ${p.lanes} lane(s)`,
    {
      n: p.n,
      placement: p.placement,
      radius: p.radius,
      lanes: p.lanes,
      buffers: p.buffers,
      'input beat': `${p.beat} element(s), ${p.beats} beat(s) per vector`,
      input: formatName(p.xFormat),
      weights: `${formatName(p.wFormat)}, a = ${p.a} (raw), b = ${p.b} (raw)`,
      output: `${formatName(p.yFormat)}, shift ${p.requant.shift}, ${p.requant.rounding}, ${p.requant.overflow}${p.relu ? ', ReLU' : ''}`,
      accumulator: `${p.accWidth} bits`,
    },
    [
      formula,
      ...(p.buffers > 1 ? [
        `Schedule: LOAD takes n elements, ${p.beat} per beat, into the free one of two input`,
        'buffers; RUN fetches ROWS + 2*RB rows of a full buffer, one per cycle, and emits',
        `${p.lanes} output(s) per beat, while the next vector loads into the other buffer`,
        '(see rtl-templates/tvscm_layer.v).',
      ] : [
        `Schedule: LOAD takes n elements, ${p.beat} per beat, into the one input buffer; RUN`,
        `fetches ROWS + 2*RB rows, one per cycle, and emits ${p.lanes} output(s) per beat; the`,
        'next vector loads once the last row is fetched (see rtl-templates/tvscm_layer.v).',
      ]),
      `Latency, first input to last output, no stalls: ${cyc.latency} cycles; period back to back: ${cyc.period} cycles`,
      `(${cyc.formula}).`,
      'Config port: cfg_addr 0 = a, 1 = b, 2 = clear overflow.',
    ],
  );
  const extraPorts: Port[] = [
    { name: 'cfg_we', dir: 'input', width: 1 },
    { name: 'cfg_addr', dir: 'input', width: 2 },
    { name: 'cfg_data', dir: 'input', width: p.wWidth },
    { name: 'busy', dir: 'output', width: 1 },
  ];
  const io = tvscmIo(p);
  const ports = streamPorts(io, extraPorts);
  const text = `${head}
module ${top} (
${portList(ports)}
);
${instance('tvscm_layer', 'u_layer', params, sameNameConnections(ports), '    ')}
endmodule
`;
  const sources: SourceFile[] = [template('requant.v'), template('tvscm_layer.v'), ...dual8Sources(p.dsp), { name: `${top}.v`, text }];
  return {
    sources,
    top,
    io,
    params,
    extraPorts,
  };
}
