/**
 * Large ROM contents lifted out of the Verilog for the CXXRTL back end
 * (src/sim/cxxrtl-rom.ts): which ROMs are lifted, that nothing else in the
 * source moves, and the C++ that writes the words back at reset. The
 * co-simulation of a lifted design is in test/cxxrtl-rom.cosim.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { injectRoms, LIFT_MIN_WORDS, liftRoms } from '../src/sim/cxxrtl-rom.ts';
import { romModule } from '../src/verilog/rom.ts';
import { CircaError } from '../src/errors.ts';

const word32 = (a: number, k: number) => (Math.imul(a + k, 2654435761) >>> 0).toString(16).padStart(8, '0');
// a different-looking word at every address, `digits` hex digits
const hex = (a: number, digits: number) => `${word32(a, 7)}${word32(a, 0)}`.slice(-digits);
const rom = (words: number, width: number) => ({
  name: 'w_rom.v',
  text: romModule('w_rom', ['test weights'], width, Array.from({ length: words }, (_, a) => hex(a, Math.ceil(width / 4))), ['first word']),
});

describe('liftRoms', () => {
  it(`lifts a ROM of ${LIFT_MIN_WORDS} words: the same words, no assignment left, the declaration's line in the text yosys reads`, () => {
    const src = rom(LIFT_MIN_WORDS, 8);
    const { sources, roms } = liftRoms([src, { name: 'files.f', text: 'w_rom.v\n' }]);
    expect(roms).toHaveLength(1);
    const r = roms[0];
    const declLine = sources[0].text.split('\n').findIndex((l) => /reg \[7:0\] rom \[0:4095\];/.test(l)) + 1;
    expect(declLine).toBeGreaterThan(0);
    expect({ file: r.file, line: r.line, name: r.name, width: r.width, depth: r.depth }).toEqual({ file: 'w_rom.v', line: declLine, name: 'rom', width: 8, depth: 4096 });
    expect(r.words).toEqual(Array.from({ length: 4096 }, (_, a) => hex(a, 2)));
    expect(sources[0].text).not.toMatch(/rom\[\d+\] =/);
    expect(sources[0].text).toMatch(/initial begin\n\s*\/\/ 4096 ROM words lifted into the C\+\+ \(circa, src\/sim\/cxxrtl-rom\.ts\)\n    end\n/);
    // the rest of the module is as it was
    expect(sources[0].text.replace(/\n\s*\/\/ 4096 ROM words lifted.*/, '')).toBe(src.text.replace(/\n\s*rom\[\d+\] = .*/g, ''));
    expect(sources[1].text).toBe('w_rom.v\n');
  });

  it(`leaves a ROM of ${LIFT_MIN_WORDS - 1} words, and a block with any other statement, to yosys`, () => {
    const small = rom(LIFT_MIN_WORDS - 1, 8);
    expect(liftRoms([small]).roms).toEqual([]);
    expect(liftRoms([small]).sources[0]).toBe(small);
    const big = rom(LIFT_MIN_WORDS, 8);
    const other = { ...big, text: big.text.replace('        rom[7] = ', '        $display("x");\n        rom[7] = ') };
    expect(liftRoms([other]).roms).toEqual([]);
    // an address past the declared depth, or a width that is not the declared one
    expect(liftRoms([{ ...big, text: big.text.replace('rom[7] = 8\'h', 'rom[4096] = 8\'h') }]).roms).toEqual([]);
    expect(liftRoms([{ ...big, text: big.text.replace('rom[7] = 8\'h', 'rom[7] = 9\'h') }]).roms).toEqual([]);
  });
});

describe('injectRoms', () => {
  // the shape of yosys write_cxxrtl's output around a memory and reset()
  const cc = (line: number) => [
    'struct p_top : public module {',
    '\t// \\hdlname: u_wrom rom',
    `\t// \\src: w_rom.v:${line}.41-${line}.44`,
    '\tmemory<40> memory_p_u__wrom_2e_rom { 4096u };',
    '};',
    'void p_top::reset() {',
    '}',
    '',
  ].join('\n');

  it('writes every word into the memory at reset, 32-bit chunks least significant first', () => {
    const { roms } = liftRoms([rom(LIFT_MIN_WORDS, 40)]);
    const out = injectRoms(cc(roms[0].line), roms);
    const body = out.slice(out.indexOf('void p_top::reset() {'));
    const data = /static const uint32_t circa_rom_0\[8192\] = \{([^}]*)\};/.exec(body);
    expect(data).not.toBeNull();
    const values = data![1].split(',').map((v) => v.trim()).filter(Boolean);
    expect(values).toHaveLength(8192);
    // word a = hex(a, 10): low 32 bits first, then the top 8 bits
    for (const a of [0, 1, 4095]) {
      const h = hex(a, 10).padStart(16, '0');
      expect([values[2 * a], values[2 * a + 1]]).toEqual([`0x${h.slice(8)}u`, `0x${h.slice(0, 8)}u`]);
    }
    expect(body).toMatch(/for \(size_t a = 0; a < 4096; a\+\+\) for \(size_t c = 0; c < 2; c\+\+\) memory_p_u__wrom_2e_rom\.data\[a\]\.data\[c\] = circa_rom_0\[a \* 2 \+ c\];\n\}/);
  });

  it('refuses when yosys wrote no such memory, rather than leave a ROM of zeros', () => {
    const { roms } = liftRoms([rom(LIFT_MIN_WORDS, 40)]);
    expect(() => injectRoms(cc(roms[0].line + 1), roms)).toThrow(CircaError);
    expect(() => injectRoms(cc(roms[0].line + 1), roms)).toThrow(/the ROM rom of w_rom\.v \(4096 x 40 bits\) is not among the memories yosys wrote/);
  });
});
