/**
 * The hardware inventory of a design, read from the same plans the RTL is
 * emitted from: for every layer (and every stream_link a network adds), its
 * memories, its multipliers, the widths of its datapath, and the events one
 * inference causes (multiplies by operand widths, adds by width, memory
 * reads and writes). The resource model (resources.ts) prices the inventory
 * in LUTs, FFs, DSPs and EBR; the energy model (energy.ts) in picojoules.
 *
 * Each kind's entry follows its template in rtl-templates/:
 *   tvscm       tvscm_layer.v    P lane banks (RAM, ROWS x X_W), two or
 *                                P+1 multipliers, pre-adders, accumulators
 *   dense       dense_layer.v    input buffer (RAM, N x X_W), weight ROM
 *                                (G*N x P*W_W), bias ROM (G x P*B_W), P MACs
 *   activation  act_layer.v      one requantiser, no memory
 *   argmax      argmax_layer.v   one comparator, no memory
 *   stream_link stream_link.v    DEPTH x (LANES*W + LANE_W + 1) RAM after each layer
 * A kind this file does not know falls back to its cost face (multipliers as
 * 16 x 16, buffer and weight bits as one RAM and one ROM) and is flagged.
 */
import type { NetworkPlan, NetworkLayer } from '../network/plan.ts';
import { bitsFor } from '../layers/formats.ts';
import type { TvscmPlan } from '../layers/tvscm/plan.ts';
import type { DensePlan } from '../layers/dense/plan.ts';
import type { ActivationPlan } from '../layers/activation/plan.ts';
import type { ArgmaxPlan } from '../layers/argmax/plan.ts';
import type { MemorySpec, MultiplierSpec } from './memory.ts';

/** Memory accesses per inference, in words of the memory's width. */
export interface MemoryUse extends MemorySpec {
  /** word writes per inference */
  writes: number;
  /**
   * word reads per inference as the RTL performs them. The layer templates
   * enable their memory read ports with the pipeline clock enable, which is
   * high whenever the output is not stalled, so a bank or ROM is read on
   * every cycle of an inference, not only when its data is used.
   */
  reads: number;
  /** reads whose data the datapath uses */
  usefulReads: number;
  /** memory that holds weights (ROM) */
  weights: boolean;
}

/** Operations on new data per inference (padded lanes included: the hardware computes them). */
export interface ArithUse {
  /** multiplies by operand widths (y: product width, which decides DSP or logic) */
  multiplies: { a: number; b: number; y: number; count: number }[];
  /** additions, subtractions and comparisons by width */
  adds: { width: number; count: number }[];
}

/**
 * Datapath widths the LUT/FF model is calibrated on (see coefficients.ts).
 * Only the fields a kind uses are set.
 */
export interface KindFeatures {
  [name: string]: number;
}

export interface LayerInventory {
  /** layer name (or link name) */
  name: string;
  /** layer kind, or 'stream_link' / 'glue' */
  kind: string;
  memories: MemoryUse[];
  multipliers: MultiplierSpec[];
  arith: ArithUse;
  /** features of the LUT/FF model for this kind */
  features: KindFeatures;
  /** clock cycles per inference this block is active (its own latency) */
  activeCycles: number;
  /** true when the kind is not modelled here and the cost face was used */
  generic: boolean;
}

const sumOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

/** TVSCM (rtl-templates/tvscm_layer.v, parameters from src/layers/tvscm/rtl.ts). */
function tvscmInventory(name: string, p: TvscmPlan, cycles: number): LayerInventory {
  const band = p.placement === 'band';
  const P = p.lanes;
  const fetches = p.rows + 2 * p.windowRows;
  const memories: MemoryUse[] = Array.from({ length: P }, (_, j) => ({
    name: `${name}.bank[${j}]`,
    depth: p.rows,
    width: p.xWidth,
    rom: false,
    // each element is written once, into the bank of its lane
    writes: Math.ceil((p.n - j) / P),
    reads: cycles,
    usefulReads: fetches,
    weights: false,
  }));
  const multipliers: MultiplierSpec[] = band
    ? [
        { name: `${name}.a*x`, a: p.wWidth, b: p.xWidth, y: p.prodAWidth, count: P },
        { name: `${name}.b*pairsum`, a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: P },
      ]
    : [
        { name: `${name}.(a-b)*x`, a: p.diffWidth, b: p.xWidth, y: p.prodAWidth, count: P },
        { name: `${name}.b*S`, a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: 1 },
      ];
  const outputs = p.rows * P; // every lane of every row computes
  const arith: ArithUse = band
    ? {
        multiplies: [
          { a: p.wWidth, b: p.xWidth, y: p.prodAWidth, count: outputs },
          { a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: outputs },
        ],
        adds: [
          { width: p.sumWidth, count: outputs * 2 * p.radius },
          { width: p.accWidth, count: outputs * 2 }, // accumulate and rounding add
        ],
      }
    : {
        multiplies: [
          { a: p.diffWidth, b: p.xWidth, y: p.prodAWidth, count: outputs },
          { a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: 1 },
        ],
        adds: [
          { width: p.sumWidth, count: p.n }, // S while loading
          { width: p.diffWidth, count: 1 }, // a - b
          { width: p.accWidth, count: outputs * 2 },
        ],
      };
  const posMax = (p.rows + p.windowRows + 1) * P + p.n + p.radius;
  const ctrl = bitsFor(p.n) + bitsFor(p.rows - 1) + bitsFor(fetches) + 2 * (bitsFor(posMax) + 1) + (P > 1 ? Math.ceil(Math.log2(P)) : 0);
  const groups = band ? 2 * p.windowRows + 1 : 1;
  return {
    name,
    kind: 'tvscm',
    memories,
    multipliers,
    arith,
    features: {
      one: 1,
      lanes: P,
      // window shift register and the per-lane source muxes
      window: groups * P * p.xWidth,
      // per-lane datapath: accumulator, products, requantiser, output register
      lane: P * (p.accWidth + p.yWidth),
      // band pre-adders (radius pairs of SUM_W bits per lane) and wrap registers
      preadd: band ? P * p.radius * p.sumWidth : 0,
      wrap: band ? 2 * p.radius * p.xWidth + P * p.xWidth : 0,
      // complement: S accumulator, a - b and the shared b*S register
      shared: band ? 0 : p.sumWidth + p.diffWidth + p.prodBWidth,
      // counters and position registers, weight registers
      ctrl: ctrl + 2 * p.wWidth,
    },
    activeCycles: cycles,
    generic: false,
  };
}

/** Dense (rtl-templates/dense_layer.v and the generated ROMs of src/layers/dense/rtl.ts). */
function denseInventory(name: string, p: DensePlan, cycles: number): LayerInventory {
  const P = p.lanes;
  const issues = p.groups * p.n;
  const memories: MemoryUse[] = [
    { name: `${name}.xbuf`, depth: p.n, width: p.xWidth, rom: false, writes: p.n, reads: cycles, usefulReads: issues, weights: false },
    {
      name: `${name}.wrom`, depth: p.groups * p.n, width: P * p.wWidth, rom: true, forceBlock: p.memory === 'ebr',
      writes: 0, reads: cycles, usefulReads: issues, weights: true,
    },
    { name: `${name}.brom`, depth: p.groups, width: P * p.bWidth, rom: true, writes: 0, reads: cycles, usefulReads: p.groups, weights: true },
  ];
  const multipliers: MultiplierSpec[] = [{ name: `${name}.x*w`, a: p.xWidth, b: p.wWidth, y: p.prodWidth, count: P }];
  const ctrl = bitsFor(p.n - 1) + bitsFor(p.groups - 1) + bitsFor(p.groups * p.n - 1) + bitsFor(p.n - 1);
  return {
    name,
    kind: 'dense',
    memories,
    multipliers,
    arith: {
      multiplies: [{ a: p.xWidth, b: p.wWidth, y: p.prodWidth, count: issues * P }],
      adds: [
        { width: p.accWidth, count: issues * P },
        { width: p.accWidth, count: p.groups * P }, // rounding add of the requantiser
      ],
    },
    features: {
      one: 1,
      lanes: P,
      // per lane: accumulator with the bias mux, requantiser, activation, output
      lane: P * (p.accWidth + p.yWidth),
      // per lane: product and bias pipeline registers
      prod: P * (p.prodWidth + p.bWidth),
      ctrl,
    },
    activeCycles: cycles,
    generic: false,
  };
}

function activationInventory(name: string, p: ActivationPlan, cycles: number): LayerInventory {
  return {
    name,
    kind: 'activation',
    memories: [],
    multipliers: [],
    arith: { multiplies: [], adds: p.fn === 'identity' && p.requant.shift === 0 ? [] : [{ width: p.xWidth + p.leftShift, count: p.n }] },
    features: { one: 1, x: p.xWidth + p.leftShift, y: p.yWidth },
    activeCycles: cycles,
    generic: false,
  };
}

function argmaxInventory(name: string, p: ArgmaxPlan, cycles: number): LayerInventory {
  return {
    name,
    kind: 'argmax',
    memories: [],
    multipliers: [],
    arith: { multiplies: [], adds: [{ width: p.xWidth, count: p.n - 1 }, { width: p.cntWidth, count: p.n }] },
    features: { one: 1, x: p.xWidth, idx: p.idxWidth + p.cntWidth, out: 2 * p.outWidth },
    activeCycles: cycles,
    generic: false,
  };
}

/** A kind this file does not know: its cost face, priced as generic hardware. */
function genericInventory(layer: NetworkLayer, name: string, cycles: number): LayerInventory {
  const c = layer.kind.cost(layer.plan);
  const w = layer.shape.inWidth;
  const memories: MemoryUse[] = [];
  if (c.hardware.bufferBits > 0) {
    memories.push({
      name: `${name}.buffer`, depth: Math.ceil(c.hardware.bufferBits / w), width: w, rom: false,
      writes: c.ops.bufferWrites, reads: c.ops.bufferReads, usefulReads: c.ops.bufferReads, weights: false,
    });
  }
  if (c.hardware.weightBits > 64) {
    memories.push({
      name: `${name}.weights`, depth: Math.ceil(c.hardware.weightBits / 16), width: 16, rom: true,
      writes: 0, reads: c.ops.weightReads, usefulReads: c.ops.weightReads, weights: true,
    });
  }
  return {
    name,
    kind: layer.kind.kind,
    memories,
    multipliers: c.hardware.multipliers > 0 ? [{ name: `${name}.mul`, a: 16, b: 16, y: 32, count: c.hardware.multipliers }] : [],
    arith: {
      multiplies: c.ops.multiplies > 0 ? [{ a: w, b: w, y: 2 * w, count: c.ops.multiplies }] : [],
      adds: c.ops.adds > 0 ? [{ width: 2 * w, count: c.ops.adds }] : [],
    },
    features: { one: 1, lanes: Math.max(1, c.hardware.multipliers), width: w },
    activeCycles: cycles,
    generic: true,
  };
}

/** Inventory of one layer. `cycles` is how many cycles one inference keeps it enabled. */
export function layerInventory(layer: NetworkLayer, cycles: number): LayerInventory {
  const name = (layer.plan as { name: string }).name;
  switch (layer.kind.kind) {
    case 'tvscm': return tvscmInventory(name, layer.plan as TvscmPlan, cycles);
    case 'dense': return denseInventory(name, layer.plan as DensePlan, cycles);
    case 'activation': return activationInventory(name, layer.plan as ActivationPlan, cycles);
    case 'argmax': return argmaxInventory(name, layer.plan as ArgmaxPlan, cycles);
    default: return genericInventory(layer, name, cycles);
  }
}

/**
 * The stream_link after a layer (rtl-templates/stream_link.v): DEPTH beats of
 * LANES*W + LANE_W + 1 bits (data, index of the last kept lane, last). With
 * one lane the lane index is the constant 0 and yosys drops it, so the
 * memory is W + 1 bits wide.
 */
export function linkInventory(layer: NetworkLayer, k: number): LayerInventory {
  const io = layer.rtl.io;
  const laneW = bitsFor(io.outLanes - 1);
  const width = io.outLanes * io.outWidth + (io.outLanes > 1 ? laneW : 0) + 1;
  const addrW = bitsFor(io.outBeats - 1);
  return {
    name: `link${k}`,
    kind: 'stream_link',
    memories: [{
      name: `link${k}.mem`, depth: io.outBeats, width, rom: false,
      writes: io.outBeats, reads: io.outBeats, usefulReads: io.outBeats, weights: false,
    }],
    multipliers: [],
    arith: { multiplies: [], adds: [{ width: addrW, count: 3 * io.outBeats }] },
    features: {
      one: 1,
      // pointers and count
      ptr: 3 * addrW + 1,
      // the lane select on m_data (W bits, LANES:1) and the lane counter
      lanemux: io.outLanes > 1 ? io.outWidth * (io.outLanes - 1) + laneW : 0,
      // the gate in front of the next layer counts its input beats
      gate: bitsFor(io.inBeats),
      entry: width,
    },
    activeCycles: io.outBeats * io.outLanes,
    generic: false,
  };
}

export interface DesignInventory {
  layers: LayerInventory[];
  /** stream_links and the network's vector gates (networks only) */
  links: LayerInventory[];
  /** the board top around the design (src/network/board.ts), when asked for */
  board?: LayerInventory;
  isNetwork: boolean;
  /** cycles of one inference: first input to last output */
  latency: number;
  /** width and count of the design's input and output beats (the board bridge is sized by these) */
  io: { inBits: number; inBeats: number; outLanes: number; outWidth: number };
}

/** Which board top src/network/board.ts wraps a design in. */
export type BoardTopKind = 'protocol' | 'uart';

/**
 * The board top as inventory. Two tops have existed:
 *   protocol  circa_proto_top (src/network/protocol.ts): framed commands, the
 *             input vector in proto_in_buf (inBeats x inLanes*inWidth RAM),
 *             the output vector in proto_out_buf (outBeats x outLanes*(outWidth+1)
 *             RAM: lanes and keep mask; a network's keep is the constant 1, dropped)
 *   uart      circa_uart_top (src/network/uart.ts): a byte bridge, no memory
 * Its logic (UART, parser, counters) is a fitted function of the I/O widths.
 */
export function boardInventory(io: DesignInventory['io'] & { outBeats: number; constKeep: boolean }, kind: BoardTopKind): LayerInventory {
  const memories: MemoryUse[] = kind === 'protocol'
    ? [
        { name: 'board.in_buf', depth: io.inBeats, width: io.inBits, rom: false, writes: io.inBeats, reads: io.inBeats, usefulReads: io.inBeats, weights: false },
        {
          name: 'board.out_buf', depth: io.outBeats, width: io.outLanes * io.outWidth + (io.constKeep ? 0 : io.outLanes), rom: false,
          writes: io.outBeats, reads: io.outBeats, usefulReads: io.outBeats, weights: false,
        },
      ]
    : [];
  // proto_ctrl sizes an answer as `values * OUT_BYTES` (16 bits): yosys turns a
  // power-of-two constant into a shift and maps any other onto a multiplier
  const outBytes = Math.ceil(io.outWidth / 8);
  const multipliers: MultiplierSpec[] = kind === 'protocol' && (outBytes & (outBytes - 1)) !== 0
    ? [{ name: 'board.out_len', a: 16, b: bitsFor(outBytes >> Math.log2(outBytes & -outBytes)), y: 16, count: 1 }]
    : [];
  return {
    name: kind === 'protocol' ? 'board (protocol top)' : 'board (UART bridge)',
    kind: 'board',
    memories,
    multipliers,
    arith: { multiplies: [], adds: [] },
    features: {
      one: 1,
      inBits: io.inBits,
      outBits: io.outLanes * io.outWidth,
      inBeats: Math.ceil(Math.log2(io.inBeats + 1)),
      outBeats: Math.ceil(Math.log2(io.outBeats + 1)),
    },
    activeCycles: 0,
    generic: false,
  };
}

/**
 * The inventory of a design. Memories with read ports held open by the clock
 * enable are read on every cycle of the inference (`latency` cycles).
 * `board` adds the board top of that kind.
 */
export function designInventory(net: NetworkPlan, isNetwork: boolean, latency: number, board?: BoardTopKind): DesignInventory {
  const layers = net.layers.map((l) => layerInventory(l, latency));
  const links = isNetwork ? net.layers.map((l, k) => linkInventory(l, k)) : [];
  const single = net.layers[0].rtl.io;
  const io = isNetwork
    ? { inBits: net.inWidth, inBeats: net.inputs, outLanes: 1, outWidth: net.outWidth }
    : { inBits: single.inLanes * single.inWidth, inBeats: single.inBeats, outLanes: single.outLanes, outWidth: single.outWidth };
  const outBeats = isNetwork ? net.outputs : single.outBeats;
  const inv: DesignInventory = { layers, links, isNetwork, latency, io };
  // a network top drives m_keep with the constant 1; yosys drops the constant column
  if (board) inv.board = boardInventory({ ...io, outBeats, constKeep: isNetwork }, board);
  return inv;
}

/** All memories of an inventory. */
export function allMemories(inv: DesignInventory): MemoryUse[] {
  return [...inv.layers, ...inv.links].flatMap((l) => l.memories);
}

/** Bits of weight storage (ROMs and weight registers are counted by the cost faces; this is ROM bits). */
export function romBits(inv: DesignInventory): number {
  return sumOf(allMemories(inv).filter((m) => m.weights).map((m) => m.depth * m.width));
}
