import { ROUNDING_CODE, formatName, toHex } from '../../fixed/index.ts';
import { header, instance, portList, sameNameConnections, streamPorts, template } from '../../verilog/index.ts';
import type { LayerRtl } from '../types.ts';
import type { ActivationPlan } from './plan.ts';

export function activationParams(p: ActivationPlan): Record<string, number | string> {
  return {
    X_W: p.xWidth,
    Y_W: p.yWidth,
    LSHIFT: p.leftShift,
    SHIFT: p.requant.shift,
    ROUND: ROUNDING_CODE[p.requant.rounding],
    SAT: p.requant.overflow === 'saturate' ? 1 : 0,
    FUNC: { identity: 0, relu: 1, hardtanh: 2 }[p.fn],
    HT_HI: `${p.yWidth}'h${toHex(p.htHi, p.yWidth)}`,
    HT_LO: `${p.yWidth}'h${toHex(p.htLo, p.yWidth)}`,
  };
}

export function activationRtl(p: ActivationPlan): LayerRtl {
  const top = `${p.name}_top`;
  const params = activationParams(p);
  const io = { inLanes: 1, inWidth: p.xWidth, outLanes: 1, outWidth: p.yWidth, inBeats: p.n, outBeats: p.n };
  const ports = streamPorts(io);
  const text = `${header(`${top}: ${p.fn} activation on ${p.n} elements`, {
    n: p.n, function: p.fn, input: formatName(p.xFormat), output: `${formatName(p.yFormat)}, ${p.requant.rounding}, ${p.requant.overflow}`,
  }, ['One register stage: an element leaves the cycle after it arrives; backpressure passes through.'])}
module ${top} (
${portList(ports)}
);
${instance('act_layer', 'u_act', params, sameNameConnections(ports), '    ')}
endmodule
`;
  return {
    sources: [template('requant.v'), template('act_layer.v'), { name: `${top}.v`, text }],
    top,
    io,
    params,
    extraPorts: [],
  };
}
