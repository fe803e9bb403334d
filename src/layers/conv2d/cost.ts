/**
 * Conv2d cost face: a model of the schedule in rtl-templates/conv_layer.v,
 * cycle for cycle, written over the input beats' handshakes.
 *
 *   Output row oy (image rows lo..hi) starts issuing at
 *     s(oy) = max(end(oy - 1) + 2, take of the last beat of input row hi + 2)
 *   (end(-1): the previous image's last issue, none from idle), and issues
 *   Wo*G*KK cycles (G = ceil(M/P) groups of P output channels, KK = K*K*C):
 *     end(oy) = s(oy) + Wo*G*KK - 1;
 *   the output beat of pixel ox, group g handshakes 4 cycles (R, P, C, O)
 *   after its last issue: s(oy) + (ox*G + g + 1)*KK - 1 + 4.
 *   The first beat of input row r (its slot of NB = plan.rows) is taken no
 *   earlier than the cycle after the end of the first output row whose end
 *   frees image row r - NB (of this image, or of the previous one when
 *   r < NB); the other beats of a row as they are offered.
 * The layer may hold its input inside an image (inputGate), so the network
 * and the single-layer timelines take its beats through the gate.
 */
import type { CycleModel, LayerCost, LayerTiming, VectorHandshakes } from '../types.ts';
import type { Conv2dPlan, ConvEngine } from './plan.ts';
import { layerTimeline } from '../timeline.ts';

/** Cycles from an output beat's last issue to its handshake: stages R, P, C, O. */
export const CONV_PIPE_STAGES = 4;
/** Cycles from the event that allows an output row (its last input row in, the row before it issued) to its first issue. */
const CONV_START = 2;

export function conv2dTiming(p: ConvEngine): LayerTiming {
  const rowBeats = p.w * p.pixelBeats;
  const pixelIssues = p.groups * p.kk;
  const rowIssues = p.wo * pixelIssues;
  const rowOutBeats = p.wo * p.groups;
  /** image rows below this are free after output row oy's last issue */
  const freedAfter = (oy: number) => (oy + 1 < p.ho ? p.lo[oy + 1] : p.h);
  /** the first output row whose end frees image rows up to and including `row` */
  const freeing = (row: number) => {
    for (let oy = 0; oy < p.ho; oy++) if (freedAfter(oy) > row) return oy;
    throw new Error(`${p.name}: row ${row} is never freed (internal)`);
  };
  /** last issue of output row oy of a vector whose handshakes are known */
  const endOf = (v: VectorHandshakes, oy: number) => v.outputs[(oy + 1) * rowOutBeats - 1] - CONV_PIPE_STAGES;
  const prevEnd = (prev?: VectorHandshakes) => (prev ? prev.outputs[prev.outputs.length - 1] - CONV_PIPE_STAGES : -Infinity);
  /** the start cycles of output rows 0..upto, given the last-beat takes of the input rows (as far as known) */
  const starts = (rowIn: (r: number) => number, prev: VectorHandshakes | undefined, upto: number) => {
    const s: number[] = [];
    let end = prevEnd(prev);
    for (let oy = 0; oy <= upto; oy++) {
      const start = Math.max(end + CONV_START, rowIn(p.hi[oy]) + CONV_START);
      s.push(start);
      end = start + rowIssues - 1;
    }
    return s;
  };
  /** when the slot of image row r of this vector is free (its row r - NB freed) */
  const slotFree = (r: number, rowIn: (r: number) => number, prev?: VectorHandshakes) => {
    const old = r - p.rows;
    if (old < 0) return prev ? endOf(prev, freeing(p.h + old)) + 1 : -Infinity;
    const oy = freeing(old);
    return starts(rowIn, prev, oy)[oy] + rowIssues - 1 + 1;
  };
  return {
    overlaps: true,
    outputs: (inputs, prev) => {
      const s = starts((r) => inputs[(r + 1) * rowBeats - 1], prev, p.ho - 1);
      const out: number[] = [];
      for (let oy = 0; oy < p.ho; oy++) {
        for (let b = 0; b < rowOutBeats; b++) out.push(s[oy] + (b + 1) * p.kk - 1 + CONV_PIPE_STAGES);
      }
      return out;
    },
    nextReady: (inputs, outputs) => {
      // row 0 of the next image goes into the slot of row H - NB of this one
      const free = endOf({ inputs, outputs }, freeing(p.h - p.rows)) + 1;
      return Math.max(inputs[inputs.length - 1] + 1, free);
    },
    inputGate: (prev) => {
      const takes: number[] = [];
      return (b, offered) => {
        let t = offered;
        if (b % rowBeats === 0) t = Math.max(t, slotFree(b / rowBeats, (r) => takes[(r + 1) * rowBeats - 1], prev));
        takes.push(t);
        return t;
      };
    },
  };
}

/** Inputs offered every cycle from cycle 0: first input and last output of `count` vectors. */
export function conv2dTimeline(p: ConvEngine, count: number): { firstIn: number[]; lastOut: number[] } {
  return layerTimeline(conv2dTiming(p), p.beats, count);
}

export function conv2dCycles(p: ConvEngine): CycleModel {
  const tl = conv2dTimeline(p, 8);
  return {
    latency: tl.lastOut[0] - tl.firstIn[0],
    period: tl.firstIn[7] - tl.firstIn[6],
    formula: `per output row: start max(previous row's last issue, its last input row in) + ${CONV_START}, ` +
      `then Wo x ${p.groups} group(s) x ${p.kk} = ${p.wo * p.groups * p.kk} issues; output beat ${CONV_PIPE_STAGES} cycles after its last issue; ` +
      `${p.ho} output rows, ${p.rows} line-buffer rows`,
  };
}

export function conv2dCost(p: Conv2dPlan): LayerCost {
  const pixels = p.ho * p.wo;
  return {
    cycles: conv2dCycles(p),
    ops: {
      multiplies: pixels * p.m * p.kk,
      adds: pixels * p.m * p.kk,
      weightReads: pixels * p.groups * p.lanes * p.kk + pixels * p.groups * p.lanes,
      bufferWrites: p.h * p.w * p.c,
      bufferReads: pixels * p.groups * p.kk,
      // stored weights: m*KK dense, (m/k)*(c/k)*k*KH*K block-circulant
      parameters: (p.structure === 'dense' ? p.m * p.kk : p.bcWeights.length) + (p.hasBias ? p.m : 0),
    },
    hardware: {
      multipliers: p.lanes,
      bufferBits: p.rows * p.w * p.c * p.xWidth,
      weightBits: p.romDepth * p.wordWidth + p.groups * p.lanes * p.bWidth,
    },
  };
}
