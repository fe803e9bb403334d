/**
 * The network's top level: every layer's generated top, a vector gate in
 * front of each layer, a stream_link buffer after each, one config port for
 * every run-time register, and the stream port convention outside, so the
 * network simulates and sits behind the board top exactly like one layer.
 */
import type { LayerRtl } from '../layers/types.ts';
import { bitsFor } from '../layers/formats.ts';
import { header, instance, portList, streamPorts, template, type Port, type SourceFile } from '../verilog/index.ts';
import { layerRtl, type NetworkPlan } from './plan.ts';
import { linkDepths, linkOutLanes, linkVectors, networkCost } from './cost.ts';

/** Config address map: layer k's local register r sits at k*4 + r. */
export const CFG_STRIDE = 4;

export function networkTopName(net: NetworkPlan): string {
  return `${net.name}_top`;
}

export function networkRtl(net: NetworkPlan): LayerRtl {
  const top = networkTopName(net);
  const cost = networkCost(net);
  // each link's DEPTH: the most beats it ever holds at full rate (the network timeline)
  const depths = linkDepths(net);
  const cfgLayers = net.layers.filter((l) => layerRtl(l).extraPorts.some((p) => p.name === 'cfg_we'));
  const cfgWidth = Math.max(1, ...cfgLayers.map((l) => layerRtl(l).extraPorts.find((p) => p.name === 'cfg_data')!.width));
  const cfgAddrWidth = Math.max(3, bitsFor(net.layers.length * CFG_STRIDE - 1));
  const body: string[] = [];
  // gate flags other than layer 0's are informational
  const sinks: string[] = [...net.layers.slice(1).map((_, k) => `g${k + 1}_active`), ...net.layers.map((_, k) => `link${k}_empty`)];
  const ovfs: string[] = [];

  // Admission: count vectors in flight; in the sequential schedule a new
  // vector enters only when none is.
  body.push(`    // gate states: g<k>_active is high inside a vector entering layer k
    wire ${net.layers.map((_, k) => `g${k}_active`).join(', ')};
    // link<k>_empty: the buffer after layer k holds nothing (status only: admission counts the vectors owed, owed<k>)
    wire ${net.layers.map((_, k) => `link${k}_empty`).join(', ')};
    // link<k>_held: link k is full while layer k offers a beat (the layer holds it)
    wire ${net.layers.map((_, k) => `link${k}_held`).join(', ')};
    // layer k's output stream handshake and overflow flag
    wire ${net.layers.map((_, k) => `l${k}_m_valid, l${k}_m_ready, l${k}_m_last, l${k}_ovf`).join(',\n         ')};

    // ---- admission: vectors in flight (${net.schedule} schedule) ----
    reg  [15:0] in_flight;
    wire        net_in_fire  = s_valid & s_ready;
    wire        net_in_first = net_in_fire & ~g0_active;
    wire        net_out_done = m_valid & m_ready & m_last;
    always @(posedge clk) begin
        if (rst) in_flight <= 16'd0;
        else if (net_in_first & ~net_out_done) in_flight <= in_flight + 16'd1;
        else if (net_out_done & ~net_in_first) in_flight <= in_flight - 16'd1;
    end
    assign busy = in_flight != 16'd0;

    // ---- link check: each link's DEPTH is the most beats the timeline leaves in it
    // with inputs back to back and outputs always taken, so in such a run no link
    // ever holds its producer. full_rate: every cycle since reset offered an input
    // and took any output; a hold while it is high raises link_overrun, which
    // goes into ovf (the co-simulation compares ovf with the model's). Input gaps
    // or output stalls end the check (holds are then expected, and harmless).
    reg full_rate, link_overrun;
    always @(posedge clk) begin
        if (rst) begin
            full_rate    <= 1'b1;
            link_overrun <= 1'b0;
        end else begin
            if (~s_valid | (m_valid & ~m_ready)) full_rate <= 1'b0;
            if (full_rate & (${net.layers.map((_, k) => `link${k}_held`).join(' | ')})) link_overrun <= 1'b1;
        end
    end
`);

  net.layers.forEach((l, k) => {
    const io = l.io;
    const src = k === 0 ? { valid: 's_valid', ready: 's_ready', data: 's_data', last: 's_last' }
      : { valid: `k${k - 1}_valid`, ready: `k${k - 1}_ready`, data: `k${k - 1}_data`, last: `k${k - 1}_last` };
    const cap = linkVectors(net.schedule, l);
    const startOk = `(owed${k} < 2'd${cap})${k === 0 && net.schedule === 'sequential' ? " & (in_flight == 16'd0)" : ''}`;
    const linkOut = k === net.layers.length - 1 ? 'm_valid & m_ready & m_last' : `k${k}_valid & k${k}_ready & k${k}_last`;
    const outLanes = linkOutLanes(net, k);
    const lcost = cost.perLayer[k].cost.cycles;
    body.push(`    // ---- layer ${k}: ${l.kind.kind} ${(l.plan as { name: string }).name} (${l.shape.inputs} -> ${l.shape.outputs}, latency ${lcost.latency} cycles alone) ----
    // A new vector enters only while fewer than ${cap} vector(s) that entered layer ${k}
    // have not yet left link ${k}; link ${k} holds the most beats this leaves in it
    // (${depths[k]}, from the network timeline), so at full rate the layer's output is never stalled.${cap > 1 ? `
    // (layer ${k} takes its next vector while one is still inside it)` : ''}
    wire l${k}_s_valid, l${k}_s_ready;${k < net.layers.length - 1 ? `
    wire k${k}_valid, k${k}_ready, k${k}_last;   // link ${k}'s output stream, ${outLanes} element(s) per beat
    wire [${outLanes * io.outWidth - 1}:0] k${k}_data;
    wire [${outLanes - 1}:0] k${k}_keep;   // the next layer ignores the slots past a vector's last element` : ''}
    reg  [1:0] owed${k};   // vectors that entered layer ${k} and have not left link ${k}
    wire e${k}_in  = l${k}_s_valid & l${k}_s_ready & ~g${k}_active;
    wire e${k}_out = ${linkOut};
    always @(posedge clk) begin
        if (rst) owed${k} <= 2'd0;
        else if (e${k}_in & ~e${k}_out) owed${k} <= owed${k} + 2'd1;
        else if (e${k}_out & ~e${k}_in) owed${k} <= owed${k} - 2'd1;
    end
${instance('vector_gate', `u_gate${k}`, { N: io.inBeats, CNT_W: bitsFor(io.inBeats) }, {
      clk: 'clk', rst: 'rst', start_ok: startOk, up_valid: src.valid, up_ready: src.ready,
      dn_valid: `l${k}_s_valid`, dn_ready: `l${k}_s_ready`, active: `g${k}_active`,
    }, '    ')}
    wire [${io.outLanes * io.outWidth - 1}:0] l${k}_m_data;
    wire [${io.outLanes - 1}:0] l${k}_m_keep;`);
    const extra: Record<string, string> = {};
    for (const p of layerRtl(l).extraPorts) {
      if (p.name === 'cfg_we') extra.cfg_we = `cfg_we & (cfg_addr[${cfgAddrWidth - 1}:2] == ${cfgAddrWidth - 2}'d${k})`;
      else if (p.name === 'cfg_addr') extra.cfg_addr = 'cfg_addr[1:0]';
      else if (p.name === 'cfg_data') extra.cfg_data = `cfg_data[${p.width - 1}:0]`;
      else if (p.dir === 'output') {
        body.push(`    wire [${p.width - 1}:0] l${k}_${p.name};`);
        extra[p.name] = `l${k}_${p.name}`;
        sinks.push(`l${k}_${p.name}`);
      } else extra[p.name] = `{${p.width}{1'b0}}`;
    }
    body.push(instance(layerRtl(l).top, `u_layer${k}`, {}, {
      clk: 'clk', rst: 'rst',
      s_valid: `l${k}_s_valid`, s_ready: `l${k}_s_ready`, s_data: src.data, s_last: src.last,
      m_valid: `l${k}_m_valid`, m_ready: `l${k}_m_ready`, m_data: `l${k}_m_data`, m_keep: `l${k}_m_keep`, m_last: `l${k}_m_last`,
      ovf: `l${k}_ovf`, ...extra,
    }, '    '));
    ovfs.push(`l${k}_ovf`);
    const dst = k === net.layers.length - 1 ? { valid: 'm_valid', ready: 'm_ready', data: 'm_data', keep: 'm_keep', last: 'm_last' }
      : { valid: `k${k}_valid`, ready: `k${k}_ready`, data: `k${k}_data`, keep: `k${k}_keep`, last: `k${k}_last` };
    if (k < net.layers.length - 1) sinks.push(`k${k}_keep`);
    const depth = depths[k];
    const handedOn = outLanes === 1 ? 'one element per beat' : `${outLanes} elements per beat (layer ${k + 1}'s input beat)`;
    body.push(`    // link ${k}: ${depth} beat(s) of ${io.outLanes} x ${io.outWidth} bits, handed on ${handedOn}
${instance('stream_link', `u_link${k}`, {
      LANES: io.outLanes, W: io.outWidth, DEPTH: depth, ADDR_W: bitsFor(depth - 1), LANE_W: bitsFor(io.outLanes - 1),
      ...(outLanes > 1 ? { OUT_LANES: outLanes } : {}),
    }, {
      clk: 'clk', rst: 'rst',
      s_valid: `l${k}_m_valid`, s_ready: `l${k}_m_ready`, s_data: `l${k}_m_data`, s_keep: `l${k}_m_keep`, s_last: `l${k}_m_last`,
      m_valid: dst.valid, m_ready: dst.ready, m_data: dst.data, m_keep: dst.keep, m_last: dst.last, empty: `link${k}_empty`,
      held: `link${k}_held`,
    }, '    ')}
`);
  });

  const hasCfg = cfgLayers.length > 0;
  const extraPorts: Port[] = [
    ...(hasCfg ? [
      { name: 'cfg_we', dir: 'input' as const, width: 1 },
      { name: 'cfg_addr', dir: 'input' as const, width: cfgAddrWidth },
      { name: 'cfg_data', dir: 'input' as const, width: cfgWidth },
    ] : []),
    { name: 'busy', dir: 'output' as const, width: 1 },
  ];
  // the input port is layer 0's (one element per beat, or its "beat" elements); the output carries outBeat elements per beat
  const first = net.layers[0].io;
  const io = { inLanes: first.inLanes, inWidth: net.inWidth, outLanes: net.outBeat, outWidth: net.outWidth, inBeats: first.inBeats, outBeats: Math.ceil(net.outputs / net.outBeat) };
  const layerList = net.layers.map((l, k) => `  layer ${k}: ${l.kind.describe(l.plan)[0]}`);
  // addresses follow the layers' positions in the composed top (a fused layer is one position)
  const cfgNotes = cfgLayers.map((l) => {
    const k = net.layers.indexOf(l);
    return `  cfg_addr ${k * CFG_STRIDE}..${k * CFG_STRIDE + CFG_STRIDE - 1}: layer ${k} (${l.kind.kind}) registers 0..3`;
  });
  const text = `${header(`${top}: network ${net.name}, ${net.layers.length} layer(s), ${net.schedule} schedule`, {
    inputs: `${net.inputs} x ${net.inWidth} bits${io.inLanes > 1 ? `, ${io.inLanes} per beat (${io.inBeats} beats)` : ', one per beat'}`,
    outputs: `${net.outputs} x ${net.outWidth} bits, ${net.outBeat === 1 ? 'one per beat' : `${net.outBeat} per beat (${io.outBeats} beats, m_keep marks a short last one)`}`,
    schedule: net.schedule,
  }, [
    ...layerList,
    '',
    'Schedule: layers are joined by stream_link FIFOs that hand their beats on in the',
    "next layer's input beats. A layer starts a vector only while fewer than one vector",
    '(two after a layer that overlaps vectors, pipelined schedule) that entered it has',
    'not left its link; each link holds the most beats it ever holds under that rule with',
    "inputs back to back (the network timeline), so at full rate no layer's output is",
    'stalled. A link that is full holds its producer (s_ready low) and never drops a beat.',
    net.schedule === 'sequential' ? 'A new input enters only after the last output of the previous one.'
      : 'A new input enters layer 0 as soon as it is free; later layers finish the previous ones.',
    `Latency, first input to last output, from idle: ${cost.latency} cycles; period back to back: ${cost.period} cycles.`,
    ...(hasCfg ? ['', 'Config port (run-time registers):', ...cfgNotes] : []),
  ])}
module ${top} (
${portList(streamPorts(io, extraPorts))}
);
${body.join('\n')}
    assign ovf    = ${ovfs.join(' | ')} | link_overrun;
${sinks.length ? `    wire unused_layer_outputs = &{1'b0, ${sinks.join(', ')}};\n` : ''}endmodule
`;
  const seen = new Set<string>();
  const sources: SourceFile[] = [];
  for (const s of [template('vector_gate.v'), template('stream_link.v'), ...net.layers.flatMap((l) => layerRtl(l).sources)]) {
    if (seen.has(s.name)) continue;
    seen.add(s.name);
    sources.push(s);
  }
  sources.push({ name: `${top}.v`, text });
  return {
    sources,
    top,
    io,
    params: { layers: net.layers.length, schedule: net.schedule, ...(net.outBeat > 1 ? { outBeat: net.outBeat } : {}) },
    extraPorts,
  };
}
