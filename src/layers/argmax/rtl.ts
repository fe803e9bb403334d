import { formatName } from '../../fixed/index.ts';
import { header, instance, portList, sameNameConnections, streamPorts, template } from '../../verilog/index.ts';
import type { LayerRtl } from '../types.ts';
import type { ArgmaxPlan } from './plan.ts';

export function argmaxRtl(p: ArgmaxPlan): LayerRtl {
  const top = `${p.name}_top`;
  const params = { N: p.n, X_W: p.xWidth, IDX_W: p.idxWidth, CNT_W: p.cntWidth, O_W: p.outWidth };
  const io = { inLanes: 1, inWidth: p.xWidth, outLanes: 2, outWidth: p.outWidth, inBeats: p.n, outBeats: 1 };
  const ports = streamPorts(io);
  const text = `${header(`${top}: argmax of ${p.n} elements`, { n: p.n, input: formatName(p.xFormat), lanes: `index, value (${p.outWidth} bits each)` },
    ['The result beat is valid the cycle after the last element; the next vector is taken once it is read.'])}
module ${top} (
${portList(ports)}
);
${instance('argmax_layer', 'u_argmax', params, sameNameConnections(ports), '    ')}
endmodule
`;
  return {
    sources: [template('argmax_layer.v'), { name: `${top}.v`, text }],
    top,
    io,
    params,
    extraPorts: [],
  };
}
