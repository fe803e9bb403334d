/**
 * The hardware inventory of a design: every layer's resource face
 * (LayerKind.resources, in src/layers/<kind>/resources.ts: memories,
 * multipliers, datapath widths, the events one inference causes), plus the
 * stream_link a network adds after each layer and the board top. The
 * resource model (resources.ts) prices the inventory in LUTs, FFs, DSPs and
 * EBR; the energy model (energy.ts) in picojoules. A kind without a
 * resource face falls back to its cost face (multipliers as 16 x 16, buffer
 * and weight bits as one RAM and one ROM) and is flagged.
 */
import { linkDepths, linkOutLanes, linksCut, linkVectors } from '../network/cost.ts';
import type { NetworkPlan, NetworkLayer } from '../network/plan.ts';
import { bitsFor } from '../layers/formats.ts';
import type { MultiplierSpec } from '../target/index.ts';
import { sumOf, type ArithUse, type KindFeatures, type LayerResources, type MemoryUse } from '../layers/resources.ts';

export type { ArithUse, KindFeatures, MemoryUse };

export interface LayerInventory extends LayerResources {
  /** layer name (or link name) */
  name: string;
  /** layer kind, or 'stream_link' / 'glue' */
  kind: string;
  /** clock cycles per inference this block is active (its own latency) */
  activeCycles: number;
  /** true when the kind has no resource face and its cost face was used */
  generic: boolean;
}

/** A kind without a resource face: its cost face, priced as generic hardware. */
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

/**
 * Inventory of one layer, from its kind's resource face. `cycles` is how many cycles one inference keeps it enabled;
 * `inNetwork`: the layer is one of a network's layers, not the design's own top.
 */
export function layerInventory(layer: NetworkLayer, cycles: number, inNetwork = false): LayerInventory {
  const name = (layer.plan as { name: string }).name;
  if (!layer.kind.resources) return genericInventory(layer, name, cycles);
  return { name, kind: layer.kind.kind, ...layer.kind.resources(layer.plan, { name, cycles, inNetwork }), activeCycles: cycles, generic: false };
}

/**
 * The stream_link after a layer (rtl-templates/stream_link.v): DEPTH beats of
 * LANES*W + LANE_W + 1 bits (data, index of the last kept lane, last). With
 * one lane the lane index is the constant 0 and yosys drops it, so the
 * memory is W + 1 bits wide.
 */
export function linkInventory(layer: NetworkLayer, k: number, depth: number, outLanes = 1): LayerInventory {
  const io = layer.io;
  const laneW = bitsFor(io.outLanes - 1);
  const width = io.outLanes * io.outWidth + (io.outLanes > 1 ? laneW : 0) + 1;
  // DEPTH = the most beats it ever holds (linkDepths, the network timeline)
  const addrW = bitsFor(depth - 1);
  return {
    name: `link${k}`,
    kind: 'stream_link',
    memories: [{
      name: `link${k}.mem`, depth, width, rom: false,
      writes: io.outBeats, reads: io.outBeats, usefulReads: io.outBeats, weights: false,
    }],
    multipliers: [],
    arith: { multiplies: [], adds: [{ width: addrW, count: 3 * io.outBeats }] },
    features: {
      one: 1,
      // pointers and count
      ptr: 3 * addrW + 1,
      // the lane select on m_data (OUT_LANES*W bits, LANES/OUT_LANES:1) and the lane counter
      lanemux: io.outLanes > outLanes ? outLanes * io.outWidth * (io.outLanes / outLanes - 1) + laneW : 0,
      // the gate in front of the next layer counts its input beats
      gate: bitsFor(io.inBeats),
      entry: width,
    },
    activeCycles: io.outBeats * Math.ceil(io.outLanes / outLanes),
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

/**
 * The board top (src/network/board.ts) as inventory: circa_proto_top
 * (src/network/proto-top.ts), framed commands, the input vector in
 * proto_in_buf (inBeats x inLanes*inWidth RAM), the output vector in
 * proto_out_buf (outBeats x outLanes*(outWidth+1) RAM: lanes and keep mask; a
 * network's keep is the constant 1, dropped). Its logic (UART, parser,
 * counters) is a fitted function of the I/O widths.
 */
export function boardInventory(io: DesignInventory['io'] & { outBeats: number; constKeep: boolean }): LayerInventory {
  const memories: MemoryUse[] = [
    { name: 'board.in_buf', depth: io.inBeats, width: io.inBits, rom: false, writes: io.inBeats, reads: io.inBeats, usefulReads: io.inBeats, weights: false },
    {
      name: 'board.out_buf', depth: io.outBeats, width: io.outLanes * io.outWidth + (io.constKeep ? 0 : io.outLanes), rom: false,
      writes: io.outBeats, reads: io.outBeats, usefulReads: io.outBeats, weights: false,
    },
  ];
  // proto_ctrl sizes an answer as `values * OUT_BYTES` (16 bits): yosys turns a
  // power-of-two constant into a shift and maps any other onto a multiplier
  const outBytes = Math.ceil(io.outWidth / 8);
  const multipliers: MultiplierSpec[] = (outBytes & (outBytes - 1)) !== 0
    ? [{ name: 'board.out_len', a: 16, b: bitsFor(outBytes >> Math.log2(outBytes & -outBytes)), y: 16, count: 1 }]
    : [];
  return {
    name: 'board (protocol top)',
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
 * `board` adds the board top.
 */
export function designInventory(net: NetworkPlan, isNetwork: boolean, latency: number, board = false): DesignInventory {
  const layers = net.layers.map((l) => layerInventory(l, latency, isNetwork));
  // a plan whose links cannot cut its beats has no timeline (fill prices such plans by their inventory
  // alone, and never takes them): its links are priced at the whole vectors the admission rule allows
  const depths = !isNetwork ? [] : linksCut(net) ? linkDepths(net) : net.layers.map((l) => linkVectors(net.schedule, l) * l.io.outBeats);
  const links = isNetwork ? net.layers.map((l, k) => linkInventory(l, k, depths[k], linkOutLanes(net, k))) : [];
  const single = net.layers[0].io;
  // a network's input port is layer 0's input beat; its output carries outBeat elements per beat
  const io = isNetwork
    ? { inBits: single.inLanes * net.inWidth, inBeats: single.inBeats, outLanes: net.outBeat, outWidth: net.outWidth }
    : { inBits: single.inLanes * single.inWidth, inBeats: single.inBeats, outLanes: single.outLanes, outWidth: single.outWidth };
  const outBeats = isNetwork ? Math.ceil(net.outputs / net.outBeat) : single.outBeats;
  const inv: DesignInventory = { layers, links, isNetwork, latency, io };
  // a network top with one output element per beat drives m_keep with the constant 1; yosys drops the constant column
  if (board) inv.board = boardInventory({ ...io, outBeats, constKeep: isNetwork && net.outBeat === 1 });
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
