/**
 * The run-time weight load shared by the kinds whose weights may sit in SPRAM
 * (dense, conv2d): SPRAM has no initial contents on the chip, so the top has
 * a config port through which the host writes the words, in memory order,
 * into rtl-templates/dense_loader.v:
 *   0 = restart the weight load at word 0 (any value)
 *   1 = write the value's low wordWidth bits as the next word
 *   2, 3 = nothing
 *
 * spramLoadRegisters is the register model of that port: the loader's word
 * pointer (wrapping at 2^WA_W like the RTL's counter; a word past the end of
 * the memory changes nothing) and the memory, starting with the spec's words
 * (the device after a load of the spec). While the memory holds the spec's
 * words reference() is the plan's; once it differs, the kind decodes the
 * memory back into its weights and its reference runs with those.
 *
 * spramLoaderPorts and spramLoaderWiring are the generated top's side: the
 * config port and the loader instance driving the weight SPRAM's write port.
 */
import { instance, type Port } from '../verilog/index.ts';
import type { LayerRegisters, ReferenceResult } from './types.ts';

export interface SpramLoad {
  /** the spec's words, in load order, as unsigned integers of wordWidth bits */
  words: readonly number[];
  /** 2^WA_W: the loader's pointer wraps here */
  size: number;
  wordWidth: number;
  /** what word a holding u sets, one label per used slot (`W[3][1] = -2`) */
  describe(a: number, u: number): string[];
  /** the plan's bit-exact model (while the memory holds the spec's words) */
  reference(x: readonly number[]): ReferenceResult;
  /** the bit-exact model with the weights a memory of these words holds */
  decode(mem: readonly number[]): (x: readonly number[]) => ReferenceResult;
}

/** The register model of the SPRAM weight loader (dense_loader.v). */
export function spramLoadRegisters(load: SpramLoad): LayerRegisters {
  const spec = load.words;
  const words = spec.length;
  const mem = [...spec];
  let differing = 0;   // words of mem that are not the spec's
  let ptr = 0;
  let decoded: ((x: readonly number[]) => ReferenceResult) | null = null;
  return {
    setup: () => ({
      writes: [{ reg: 0, value: 0 }, ...spec.map((value) => ({ reg: 1, value }))],
      summary: `loaded the weights into SPRAM (${words} words of ${load.wordWidth} bits)`,
      task: 'loading the weights',
    }),
    write(reg, value) {
      if (reg === 0) {
        ptr = 0;
        return { effect: 'weight load restarted at the first word', applied: true, clearsOverflow: false };
      }
      if (reg !== 1) return { effect: `no register ${reg} (0 = restart the weight load, 1 = next weight word)`, applied: false, clearsOverflow: false };
      const u = Number(BigInt.asUintN(load.wordWidth, BigInt(value)));
      const a = ptr;
      ptr = (ptr + 1) % load.size;
      if (a >= words) {
        return { effect: `word ${a} is past the end of the weight memory (${words} words): no change`, applied: true, clearsOverflow: false };
      }
      differing += (u !== spec[a] ? 1 : 0) - (mem[a] !== spec[a] ? 1 : 0);
      if (mem[a] !== u) decoded = null;
      mem[a] = u;
      return { effect: `word ${a}: ${load.describe(a, u).join(', ')}${u === spec[a] ? '' : ' (not the spec\'s)'}`, applied: true, clearsOverflow: false };
    },
    reference(x) {
      if (differing === 0) return load.reference(x);
      decoded ??= load.decode(mem);
      return decoded(x);
    },
  };
}

/** The config port of a top whose weights the host loads (cfg_data is one weight word). */
export function spramLoaderPorts(wordWidth: number): Port[] {
  return [
    { name: 'cfg_we', dir: 'input', width: 1 },
    { name: 'cfg_addr', dir: 'input', width: 2 },
    { name: 'cfg_data', dir: 'input', width: wordWidth },
  ];
}

/** One wire declaration, columns aligned as the tops' other declarations. */
function wire(w: number, name: string): string {
  return `    ${'wire'.padEnd(12)} ${(w > 1 ? `[${w - 1}:0]` : '').padEnd(10)} ${name};`;
}

/** The loader instance and its write wires (ld_we, ld_addr, ld_data), for the top's text. */
export function spramLoaderWiring(addrWidth: number, wordWidth: number): string {
  return `
    // ---- run-time load of the weights into SPRAM ----
${wire(1, 'ld_we')}
${wire(addrWidth, 'ld_addr')}
${wire(wordWidth, 'ld_data')}
${instance('dense_loader', 'u_loader', { WA_W: addrWidth, WORD_W: wordWidth, CFG_W: wordWidth }, {
    clk: 'clk', rst: 'rst', cfg_we: 'cfg_we', cfg_addr: 'cfg_addr', cfg_data: 'cfg_data', ld_we: 'ld_we', ld_addr: 'ld_addr', ld_data: 'ld_data',
  }, '    ')}
`;
}

/** The weight memory's connections: a ROM's read port, plus the loader's write with SPRAM. */
export function weightMemoryPorts(spram: boolean): Record<string, string> {
  return spram
    ? { clk: 'clk', en: 'rom_en', addr: 'w_addr', q: 'w_data', ld_we: 'ld_we', ld_addr: 'ld_addr', ld_data: 'ld_data' }
    : { clk: 'clk', en: 'rom_en', addr: 'w_addr', q: 'w_data' };
}
