import { formatName } from '../../fixed/index.ts';
import { header, instance, template } from '../../verilog/index.ts';
import type { LayerRtl } from '../types.ts';
import type { ArgmaxPlan } from './plan.ts';

export function argmaxRtl(p: ArgmaxPlan): LayerRtl {
  const top = `${p.name}_top`;
  const params = { N: p.n, X_W: p.xWidth, IDX_W: p.idxWidth, CNT_W: p.cntWidth, O_W: p.outWidth };
  const ports = Object.fromEntries(
    ['clk', 'rst', 's_valid', 's_ready', 's_data', 's_last', 'm_valid', 'm_ready', 'm_data', 'm_keep', 'm_last', 'ovf'].map((k) => [k, k]),
  );
  const text = `${header(`${top}: argmax of ${p.n} elements`, { n: p.n, input: formatName(p.xFormat), lanes: `index, value (${p.outWidth} bits each)` },
    ['The result beat is valid the cycle after the last element; the next vector is taken once it is read.'])}
module ${top} (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 s_valid,
    output wire                 s_ready,
    input  wire [${p.xWidth - 1}:0] s_data,
    input  wire                 s_last,
    output wire                 m_valid,
    input  wire                 m_ready,
    output wire [${2 * p.outWidth - 1}:0] m_data,
    output wire [1:0]           m_keep,
    output wire                 m_last,
    output wire                 ovf
);
${instance('argmax_layer', 'u_argmax', params, ports, '    ')}
endmodule
`;
  return {
    sources: [template('argmax_layer.v'), { name: `${top}.v`, text }],
    top,
    io: { inLanes: 1, inWidth: p.xWidth, outLanes: 2, outWidth: p.outWidth, inBeats: p.n, outBeats: 1 },
    params,
    extraPorts: [],
  };
}
