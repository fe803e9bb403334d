/**
 * The circulant kinds' output stage on the folded FFT engine
 * (src/fft/folded-rtl.ts): the real part of each unloaded position,
 * requantised (requant.v), ReLU or none, with a sticky overflow flag. The
 * diagonal kind puts d_i z_i + b_i in front (diag-circulant/engine-output.ts)
 * and ends with the same requantiser (requantTail).
 */
import { instance } from '../../verilog/index.ts';
import type { EngineOutputStage } from '../../fft/index.ts';
import { foldedUnloadLatency } from './folded-core.ts';

/** The requantiser and activation of an output stage (raw codes: ROUNDING_CODE, SAT). */
export interface RequantHead {
  yWidth: number;
  shift: number;
  rounding: number;
  sat: boolean;
  relu: boolean;
}

/**
 * The output flag means the output lost information (requantActivate() in
 * src/fixed/index.ts): requant's ovf, except a value below the range (the
 * requantiser's input negative) that ReLU zeroes anyway.
 */
export function lostWire(name: string, ovf: string, below: string, act: string, width: number, relu: boolean): string[] {
  return relu
    ? [`    // overflow = the output lost information: a value below the range that ReLU zeroes anyway is none`,
      `    wire ${name} = ${ovf} & ~(${below} & (${act} == ${width}'d0));`]
    : [`    wire ${name} = ${ovf};   // no activation: every value that did not fit lost information`];
}

/** z2: the real part of the unloaded position (t+3). */
export function realPart(W: number): string[] {
  return [
    `    reg signed [${W - 1}:0] z2;   // the real part of position i`,
    `    always @(posedge clk) z2 <= o_sample[${W - 1}:0];`,
  ];
}

/** The last step: requantise `accSig` (accW bits) into y_act, the sticky out_ovf when `validSig` (or `extraOvfCond`). */
export function requantTail(u: RequantHead, accSig: string, accW: number, validSig: string, extraOvfCond: string): string[] {
  return [
    `    wire signed [${u.yWidth - 1}:0] y_rq;`,
    `    wire              y_ovf;`,
    instance('requant', 'u_requant', { IN_W: accW, OUT_W: u.yWidth, SHIFT: u.shift, ROUND: u.rounding, SAT: u.sat ? 1 : 0 }, { din: accSig, dout: 'y_rq', ovf: 'y_ovf' }, '    '),
    `    wire [${u.yWidth - 1}:0] y_act = ${u.relu ? `y_rq[${u.yWidth - 1}] ? ${u.yWidth}'d0 : y_rq` : 'y_rq'};`,
    ...lostWire('y_lost', 'y_ovf', `${accSig}[${accW - 1}]`, 'y_act', u.yWidth, u.relu),
    `    reg out_ovf;`,
    `    always @(posedge clk) begin`,
    `        if (rst) out_ovf <= 1'b0;`,
    `        else if ((${validSig} & y_lost)${extraOvfCond}) out_ovf <= 1'b1;`,
    `    end`,
  ];
}

/** The circulant layer's output stage: y = act(requant(Re z)), `outputs` of the engine's positions. */
export function requantOutputStage(h: RequantHead, outputs: number): EngineOutputStage {
  return {
    type: 'real',
    outputs,
    yWidth: h.yWidth,
    latency: foldedUnloadLatency(false),
    writesBack: false,
    cfgWidth: 0,
    emit: (x) => ({
      lines: [...realPart(x.W), ...requantTail(h, 'z2', x.W, 'ov[3]', '')],
      valid: 'ov[3]',
      data: 'y_act',
      ovf: ['out_ovf'],
      unused: ['ov[5:4]'],
    }),
    sources: () => [],
  };
}
