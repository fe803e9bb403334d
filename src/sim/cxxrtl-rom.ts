/**
 * Large ROM contents kept out of yosys and out of CXXRTL's value<> arrays.
 *
 * A ROM's contents are one `initial` block of `rom[a] = W'hX;` lines
 * (src/verilog/rom.ts, the dense and FFT generators). yosys turns each line
 * into an init statement and `write_cxxrtl` writes the contents back as one
 * C++ array of value<W> objects. Both scale badly: for mnist-dense (153,664
 * words of 32 bits in one ROM) yosys alone ran past 15 minutes of CPU
 * without finishing, and the clang compile of such arrays had run past an
 * hour in earlier runs (test:deep's sweep).
 *
 * So, for the CXXRTL back end only, a ROM of at least LIFT_MIN_WORDS words is
 * lifted: its assignments are removed from the Verilog yosys reads, and the
 * same words are written into the memory at the end of the generated
 * module's reset() (which its constructor calls) from a plain array of
 * 32-bit chunks, which clang parses quickly. What the program computes is the
 * same: the memory holds the same words before the first clock edge. The
 * Verilog given to Verilator, Icarus and synthesis is never changed.
 */
import { CircaError } from '../errors.ts';
import type { SourceFile } from '../verilog/index.ts';

/** ROMs of fewer words are left to yosys (their C++ compiles quickly; their builds' cache keys stay as they were). */
export const LIFT_MIN_WORDS = 4096;

/** One lifted memory: its declaration's place in the source, its width, depth and words (hex, as written in the Verilog). */
export interface LiftedRom {
  file: string;
  /** the 1-based line of the `reg [W-1:0] name [0:D-1];` declaration in the lifted source (yosys's \src attribute names it) */
  line: number;
  name: string;
  width: number;
  depth: number;
  /** words[a] in hex; an address with no assignment holds 0, as in CXXRTL's own memories */
  words: (string | undefined)[];
}

const ASSIGN = /^\s*(\w+)\[(\d+)\]\s*=\s*(\d+)'h([0-9a-fA-F]+);\s*(\/\/.*)?$/;
const DECL = /^\s*(?:\(\*[^*]*\*\)\s*)?reg\s*\[(\d+):0\]\s*(\w+)\s*\[0:(\d+)\];/;

/**
 * The sources with large ROM contents removed, and what was removed. A file
 * is only changed where every line of an `initial begin ... end` block is a
 * ROM word assignment to memories declared once in that file, at addresses
 * inside them, with the declared width; anything else is left to yosys.
 */
export function liftRoms(sources: readonly SourceFile[]): { sources: SourceFile[]; roms: LiftedRom[] } {
  const roms: LiftedRom[] = [];
  const out = sources.map((s) => {
    if (!/\.s?v$/.test(s.name)) return s;
    const lines = s.text.split('\n');
    const decls = new Map<string, { width: number; depth: number; count: number }>();
    lines.forEach((l) => {
      const m = DECL.exec(l);
      if (!m) return;
      const prev = decls.get(m[2]);
      decls.set(m[2], { width: Number(m[1]) + 1, depth: Number(m[3]) + 1, count: (prev?.count ?? 0) + 1 });
    });
    const kept: string[] = [];
    const mine: LiftedRom[] = [];
    for (let i = 0; i < lines.length; i++) {
      kept.push(lines[i]);
      if (lines[i].trim() !== 'initial begin') continue;
      let j = i + 1;
      const found = new Map<string, (string | undefined)[]>();
      let ok = true;
      for (; j < lines.length && lines[j].trim() !== 'end'; j++) {
        const m = ASSIGN.exec(lines[j]);
        const d = m ? decls.get(m[1]) : undefined;
        if (!m || !d || d.count !== 1 || Number(m[3]) !== d.width || Number(m[2]) >= d.depth) { ok = false; break; }
        let words = found.get(m[1]);
        if (!words) found.set(m[1], (words = new Array<string | undefined>(d.depth)));
        words[Number(m[2])] = m[4];
      }
      if (!ok || j >= lines.length || j - i - 1 < LIFT_MIN_WORDS) continue;
      for (const [name, words] of found) {
        const d = decls.get(name)!;
        mine.push({ file: s.name, line: 0, name, width: d.width, depth: d.depth, words });
      }
      // the block stays, empty (thousands of blank lines would overflow yosys's lexer)
      kept.push(lines[i].replace('initial begin', `// ${j - i - 1} ROM words lifted into the C++ (circa, src/sim/cxxrtl-rom.ts)`));
      i = j - 1;
    }
    if (mine.length === 0) return s;
    // yosys's \src attributes name the declarations' lines in the text it reads
    kept.forEach((l, i) => {
      const m = DECL.exec(l);
      const r = m && mine.find((x) => x.name === m[2]);
      if (r) r.line = i + 1;
    });
    roms.push(...mine);
    return { ...s, text: kept.join('\n') };
  });
  return { sources: out, roms };
}

/** A word as 32-bit chunks, least significant first (CXXRTL's value<W>::data order). */
function chunks(hex: string | undefined, width: number): string[] {
  const n = Math.ceil(width / 32);
  const digits = (hex ?? '0').padStart(n * 8, '0');
  const out: string[] = [];
  for (let c = 0; c < n; c++) out.push(`0x${digits.slice(digits.length - 8 * (c + 1), digits.length - 8 * c)}u`);
  return out;
}

/**
 * The C++ with each lifted ROM's words written into its memory at the end of
 * reset(). Throws when a lifted memory cannot be found in yosys's output (a
 * changed write_cxxrtl would otherwise leave a ROM of zeros).
 */
export function injectRoms(cc: string, roms: readonly LiftedRom[]): string {
  if (roms.length === 0) return cc;
  const lines = cc.split('\n');
  const fills: string[] = [];
  roms.forEach((r, k) => {
    // a module instantiated n times gives n memories with the same \src
    const targets: string[] = [];
    lines.forEach((l, i) => {
      if (!l.trim().startsWith(`// \\src: ${r.file}:${r.line}.`)) return;
      const m = /^\s*memory<(\d+)> (\w+) \{ (\d+)u \};/.exec(lines[i + 1] ?? '');
      if (m && Number(m[1]) === r.width && Number(m[3]) === r.depth) targets.push(m[2]);
    });
    if (targets.length === 0) {
      throw new CircaError(`CXXRTL: the ROM ${r.name} of ${r.file} (${r.depth} x ${r.width} bits) is not among the memories yosys wrote; its contents cannot be loaded`);
    }
    const n = Math.ceil(r.width / 32);
    const data: string[] = [];
    for (let a = 0; a < r.depth; a++) data.push(chunks(r.words[a], r.width).join(','));
    fills.push(`\t// ${r.name} of ${r.file}: ${r.depth} words of ${r.width} bits, lifted out of the Verilog by circa (src/sim/cxxrtl-rom.ts)`);
    fills.push(`\tstatic const uint32_t circa_rom_${k}[${r.depth * n}] = {`);
    for (let a = 0; a < data.length; a += 16) fills.push(`\t\t${data.slice(a, a + 16).join(',')},`);
    fills.push('\t};');
    for (const t of targets) {
      fills.push(`\tfor (size_t a = 0; a < ${r.depth}; a++) for (size_t c = 0; c < ${n}; c++) ${t}.data[a].data[c] = circa_rom_${k}[a * ${n} + c];`);
    }
  });
  const start = lines.findIndex((l) => /^void \w+::reset\(\) \{$/.test(l));
  const end = start < 0 ? -1 : lines.findIndex((l, i) => i > start && l === '}');
  if (end < 0) throw new CircaError('CXXRTL: no reset() in the C++ yosys wrote; the lifted ROM contents cannot be loaded');
  lines.splice(end, 0, ...fills);
  return lines.join('\n');
}
