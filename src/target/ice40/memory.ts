/**
 * How yosys maps a design's memories and multipliers onto iCE40 hard blocks,
 * modelled closely enough to predict the block counts exactly.
 *
 * Memories (EBR): `synth_ice40` runs `memory_libmap -lib +/ice40/brams.txt`.
 * The library describes one block, $__ICE40_RAM4K_ (SB_RAM40_4K): 11 address
 * bits at 2 bits wide, widths 2/4/8/16 (2048x2, 1024x4, 512x8, 256x16),
 * cost 64, one write port and one read port with a read enable; the 16-bit
 * write width is only available with bit enables (option HAS_BE 1), narrower
 * writes without them (HAS_BE 0). For each memory yosys (passes/memory/
 * memory_libmap.cc, the same in 0.23 and in the 0.55 YoWASP build) computes,
 * for every configuration:
 *
 *   mult_a = ceil(depth / configDepth)          address chunks (muxed after the blocks)
 *   repl   = ceil(mult_a * swizzleWidth / unitWidth)   blocks
 *   cost   = 64 * repl + 0.5 * (mult_a - 1) * width            read mux
 *                      + 0.5 * (mult_a > 1 ? mult_a : 0)        write demux (RAMs)
 *                      + 2 * emulationScore                      (1: one unshared read port)
 *
 * where swizzleWidth is the width itself when the write port has bit enables
 * (or for a ROM), and the width rounded up to the unit width otherwise. Note
 * that one block can hold several address chunks side by side (a 300 x 8 ROM
 * fits one 256x16 block), which a naive ceil(W/w)*ceil(D/d) misses. The
 * memory goes to soft logic instead when its logic cost is not more than
 * the best block cost:
 *
 *   logic cost = width * depth         for a RAM (logic_cost_ram = 1)
 *              = width * depth / 16    for a ROM (logic_cost_rom = 1/16), truncated to an integer
 *
 * `(* rom_style = "block" *)` (the dense layer's memory: "ebr") forbids the
 * logic fallback; a ROM split by depth (splitMapping) has its tail in
 * `(* rom_style = "logic" *)`, which forbids the blocks. Constant data bits (e.g. the lane-index field of a one-lane
 * stream_link) are removed by yosys before mapping; callers pass the width
 * after that. Checked against yosys 0.23 for stream_link at the threshold
 * (7 x 10 bits -> logic, 10 x 7 bits -> EBR, 11 x 6 bits -> logic) and against
 * every example build (test/estimate.test.ts).
 *
 * SPRAM: `synth_ice40` runs memory_libmap with +/ice40/spram.txt but
 * -no-auto-huge (the flow does not pass -spram), so a memory goes to
 * SB_SPRAM256KA only when the RTL asks for it with (* ram_style = "huge" *):
 * the block-circulant spectra with memory "spram" (one RAM per MAC lane) and
 * the dense weights with memory "spram" (one RAM, P lanes of W bits wide).
 * The library has one shape, 16384 x 16, so a memory takes
 * ceil(depth / 16384) * ceil(width / 16) blocks, with a width-bit mux after
 * them when it has more than one address chunk. memory_libmap uses the same
 * library whatever -device says, so yosys maps the SPRAM on an HX or LP part
 * too (nextpnr then fails): the fit check refuses it first.
 *
 * Multipliers (DSP): with `-dsp` (UltraPlus), `techmap -map +/mul2dsp.v`
 * with DSP_A/B_MAXWIDTH=16, DSP_A/B_MINWIDTH=2, DSP_Y_MINWIDTH=11 decides:
 * a product narrower than 11 bits, or an operand narrower than 2 bits, stays
 * in soft logic; an operand wider than 16 bits is split into 16-bit slices
 * (plus a last, narrower slice that is mapped by the same rule), each slice
 * a SB_MAC16 16x16. dspCount() follows those rules.
 */
import type { MemoryMapping, MemorySpec, MultiplierSpec } from '../types.ts';

export type { MemoryMapping, MemorySpec, MultiplierSpec };

/** SB_RAM40_4K: 4096 bits, widths 2/4/8/16 (docs/references.md: EBR 4 kbit). */
export const EBR_BITS = 4096;
export const EBR_WIDTHS = [2, 4, 8, 16] as const;
/** memory_libmap's block cost for $__ICE40_RAM4K_ (techlibs/ice40/brams.txt: cost 64). */
const BLOCK_COST = 64;
/** memory_libmap defaults: -logic-cost-ram 1, -logic-cost-rom 1/16. */
const LOGIC_COST_RAM = 1;
const LOGIC_COST_ROM = 1 / 16;
/** FACTOR_MUX, FACTOR_DEMUX, FACTOR_EMU of memory_libmap.cc. */
const FACTOR_MUX = 0.5;
const FACTOR_DEMUX = 0.5;
const FACTOR_EMU = 2;

interface BlockChoice {
  blocks: number;
  cost: number;
  config: string;
  chunks: number;
}

/** The cheapest SB_RAM40_4K configuration for a memory, as memory_libmap scores them. */
function bestBlockConfig(m: MemorySpec): BlockChoice {
  let best: BlockChoice | undefined;
  // Variants: HAS_BE 1 (bit enables, swizzle = width, 16-bit write port) and
  // HAS_BE 0 (no enables: write width 2/4/8, swizzle padded to the unit width).
  // A ROM has no write port: swizzle = width, every read width allowed.
  const variants: { be: boolean }[] = m.rom ? [{ be: true }] : [{ be: true }, { be: false }];
  for (const v of variants) {
    for (const unit of EBR_WIDTHS) {
      if (!m.rom && !v.be && unit > 8) continue; // HAS_BE 0 writes at most 8 bits
      const configDepth = EBR_BITS / unit;
      const chunks = Math.ceil(m.depth / configDepth);
      const swizzle = v.be ? m.width : Math.ceil(m.width / unit) * unit;
      const blocks = Math.ceil((chunks * swizzle) / unit);
      const mux = (chunks - 1) * m.width;
      const demux = !m.rom && chunks !== 1 ? chunks : 0;
      const emu = 1; // one read port not shared with the write port (tiebreaker point)
      const cost = BLOCK_COST * blocks + FACTOR_MUX * mux + FACTOR_DEMUX * demux + FACTOR_EMU * emu;
      if (!best || cost < best.cost) best = { blocks, cost, config: `${configDepth}x${unit}`, chunks };
    }
  }
  return best!;
}

/** SB_SPRAM256KA: 16384 words of 16 bits (techlibs/ice40/spram.txt, one shape). */
export const SPRAM_DEPTH = 16384;
export const SPRAM_WIDTH = 16;

/** Map one memory the way yosys' memory_libmap does for iCE40. */
export function mapMemory(m: MemorySpec): MemoryMapping {
  if (m.depth <= 0 || m.width <= 0) {
    return { ...m, target: 'logic', blocks: 0, config: 'none', chunks: 0, blockCost: 0, logicCost: 0 };
  }
  if (m.huge && !m.rom) {
    const chunks = Math.ceil(m.depth / SPRAM_DEPTH);
    const blocks = chunks * Math.ceil(m.width / SPRAM_WIDTH);
    return { ...m, target: 'spram', blocks, config: `${SPRAM_DEPTH}x${SPRAM_WIDTH}`, chunks, blockCost: BLOCK_COST * blocks, logicCost: m.width * m.depth };
  }
  if (m.logicTail) return splitMapping(m);
  const block = bestBlockConfig(m);
  // memory_libmap keeps the logic cost in an int (truncation) and takes a
  // block configuration only when it is strictly cheaper.
  const logicCost = Math.trunc(m.width * m.depth * (m.rom ? LOGIC_COST_ROM : LOGIC_COST_RAM));
  const useBlock = m.forceBlock || block.cost < logicCost;
  return useBlock
    ? { ...m, target: 'ebr', blocks: block.blocks, config: block.config, chunks: block.chunks, blockCost: block.cost, logicCost }
    : { ...m, target: 'logic', blocks: 0, config: 'logic', chunks: 1, blockCost: block.cost, logicCost };
}

/**
 * A ROM split by depth (MemorySpec.logicTail, a dense layer's "ebr-split"):
 * memory_libmap maps its two arrays apart, the first depth - logicTail words
 * into blocks (rom_style "block") and the tail into logic (rom_style
 * "logic": no block configuration is taken for it). The mapping is the
 * block part's; `logicTail` rides along for the LUT model.
 */
function splitMapping(m: MemorySpec): MemoryMapping {
  const block = bestBlockConfig({ ...m, depth: m.depth - m.logicTail! });
  const logicCost = Math.trunc(m.width * m.logicTail! * LOGIC_COST_ROM);
  return { ...m, target: 'ebr', blocks: block.blocks, config: block.config, chunks: block.chunks, blockCost: block.cost, logicCost };
}

/** mul2dsp limits used by synth_ice40 -dsp. */
const DSP_MAX = 16;
const DSP_MIN = 2;
const DSP_Y_MIN = 11;

/**
 * SB_MAC16 blocks yosys uses for one a x b multiply with a y-bit product on
 * UltraPlus (`synth_ice40 -dsp`), following techmap +/mul2dsp.v. Returns
 * the DSP count and the bit-products left in soft logic (the slices it does
 * not map), so the LUT model can price those.
 */
export function dspCount(a: number, b: number, y: number): { dsp: number; softBits: number; softWidths: [number, number][] } {
  if (a < b) [a, b] = [b, a];
  if (a < DSP_MIN || b < DSP_MIN || y < DSP_Y_MIN) return { dsp: 0, softBits: a * b, softWidths: [[a, b]] };
  if (a > DSP_MAX) {
    const n = Math.floor((a - 1) / DSP_MAX);
    const last = a - n * DSP_MAX;
    const slice = dspCount(DSP_MAX, b, Math.min(y, b + DSP_MAX));
    const tail = dspCount(last, b, b + last);
    return {
      dsp: n * slice.dsp + tail.dsp,
      softBits: n * slice.softBits + tail.softBits,
      softWidths: [...Array.from({ length: n }, () => slice.softWidths).flat(), ...tail.softWidths],
    };
  }
  return { dsp: 1, softBits: 0, softWidths: [] };
}
