/**
 * The shape of docs/architecture.md, enforced (issue 13): a layer kind is its
 * folder under src/layers/ plus one registry line. Nothing outside
 * src/layers/ branches on a kind's name; every built-in kind gives the faces
 * estimate and planning read (io, resources); the io face agrees with what
 * the rtl face renders; and planning renders no Verilog.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYER_KINDS } from '../src/layers/index.ts';
import { defineKind } from '../src/layers/types.ts';
import { loadDesign } from '../src/network/design.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { randomSpecs } from './backends.ts';

const ROOT = new URL('..', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const examples = ['examples', 'examples/trained'].flatMap((d) =>
  readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.json')).map((f) => join(d, f)));

describe('a layer kind is its folder', () => {
  it('no code outside src/layers/ compares a kind name', () => {
    const names = Object.keys(LAYER_KINDS).map((k) => k.replace(/-/g, '\\-'));
    const quoted = `['"\`](?:${names.join('|')})['"\`]`;
    const patterns = [
      new RegExp(`[!=]==?\\s*${quoted}`),
      new RegExp(`${quoted}\\s*[!=]==?`),
      new RegExp(`case\\s+${quoted}\\s*:`),
      /\.kind\.kind\s*[!=]==?/,
      new RegExp(`\\[\\s*${quoted}\\s*(?:,\\s*${quoted}\\s*)*\\]\\s*\\.\\s*includes\\(`),
    ];
    const offences: string[] = [];
    for (const file of tsFiles(join(ROOT, 'src'))) {
      const rel = relative(ROOT, file);
      if (rel.startsWith('src/layers/')) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (patterns.some((p) => p.test(line))) offences.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offences).toEqual([]);
  });

  it('the scan finds a comparison when there is one (it is not vacuous)', () => {
    const quoted = `['"\`](?:tvscm|dense)['"\`]`;
    expect(new RegExp(`[!=]==?\\s*${quoted}`).test("if (l.kind === 'dense') l.lanes = 2;")).toBe(true);
    expect(new RegExp(`case\\s+${quoted}\\s*:`).test("    case 'tvscm': return x;")).toBe(true);
  });

  it('every built-in kind gives io and resources faces, and is typed by defineKind (frozen)', () => {
    for (const [name, kind] of Object.entries(LAYER_KINDS)) {
      expect(kind.kind, name).toBe(name);
      expect(typeof kind.io, name).toBe('function');
      expect(typeof kind.resources, name).toBe('function');
      expect(Object.isFrozen(kind), name).toBe(true);
    }
    expect(() => defineKind({ ...LAYER_KINDS.dense, kind: 'Bad Name' })).toThrow(/kind name "Bad Name" must be lower case/);
  });

  // renders every example's RTL (the trained networks' weight ROMs included): seconds idle, longer on a loaded machine
  it('the io face equals the rendered top\'s stream interface: every example layer', { timeout: 180_000 }, () => {
    for (const path of examples) {
      const d = loadDesign(join(ROOT, path));
      for (const l of d.net.layers) expect(l.io, `${path} ${l.kind.kind}`).toEqual(l.kind.rtl(l.plan).io);
    }
  });

  it('the io face equals the rendered top\'s stream interface: 3 random configurations per kind', () => {
    for (const kind of Object.keys(LAYER_KINDS)) {
      for (const spec of randomSpecs(kind, 3, 2026)) {
        const l = loadLayerSpec(spec);
        expect(l.kind.io(l.plan), JSON.stringify(spec)).toEqual(l.kind.rtl(l.plan).io);
      }
    }
  });
});

// ---------------------------------------------------------------------------
// Imports (issue 27): what names compare cannot catch
// ---------------------------------------------------------------------------

/**
 * The layering of src/, lowest first: a folder (or a top-level file) may
 * import its own floor and the floors below, never one above. README.md's
 * Layout section prints this list (checked below).
 */
const FLOORS: readonly (readonly string[])[] = [
  ['errors.ts', 'cleanup.ts', 'json.ts', 'suggest.ts', 'work.ts', 'which.ts', 'fixed/', 'verilog/'],
  ['output.ts'],
  ['target/'],
  ['flow/'],
  ['sim/'],
  ['formal/'],
  ['fft/'],
  ['layers/'],
  ['tensors/'],
  ['network/'],
  ['train/', 'host/'],
  ['estimate/', 'library-args.ts'],
  ['cli/', 'schemas.ts', 'index.ts'],
];

/**
 * Imports that run back up, file -> file: none since issue 27 (there were 8
 * files, 12 lines). Exact: any new one fails.
 */
const KNOWN_UPWARD: string[] = [];

/** Files of a kind folder imported from outside src/layers/ (not through the registry or src/layers/*.ts). Exact, as above: none. */
const KNOWN_KIND_IMPORTS: string[] = [];

/** The relative imports of a source text (static, re-exports, literal dynamic import()), as written. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;'"`]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm)) {
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

/** Every import edge among src/ files, `from -> to`, paths from the repository root. */
function importEdges(): { from: string; to: string }[] {
  const files = tsFiles(join(ROOT, 'src'));
  return files.flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .map((spec) => relative(ROOT, join(file, '..', spec)))
      .filter((to) => to.startsWith('src/'))
      .map((to) => ({ from: relative(ROOT, file), to })));
}

/** The floor unit of a file: `src/<folder>/` or a top-level `src/<file>`. */
const unitOf = (path: string): string => {
  const [, first, rest] = /^src\/([^/]+)(\/)?/.exec(path)!;
  return rest ? `${first}/` : first;
};
const floorOf = (path: string): number => {
  const unit = unitOf(path);
  const floor = FLOORS.findIndex((f) => f.includes(unit));
  if (floor < 0) throw new Error(`${path}: ${unit} is on no floor of FLOORS (test/architecture.test.ts): add it`);
  return floor;
};

/** A kind folder's file: src/layers/<folder>/<file> (the folder's own index.ts is what the registry imports). */
const inKindFolder = (path: string): boolean => /^src\/layers\/[^/]+\/[^/]+$/.test(path);
/** A target folder's file: src/target/<folder>/<file> (the iCE40's: src/target/ice40/). */
const inTargetFolder = (path: string): boolean => /^src\/target\/[^/]+\/[^/]+$/.test(path);

/** `where: line` of every line of src/<dir>/'s files (ending in `ext`) that `re` matches. */
function linesMatching(dir: string, re: RegExp, ext = ''): string[] {
  const abs = join(ROOT, 'src', dir);
  return readdirSync(abs).filter((f) => f.endsWith(ext)).flatMap((f) => readFileSync(join(abs, f), 'utf8').split('\n')
    .flatMap((line, i) => (re.test(line) ? [`src/${dir}/${f}:${i + 1}: ${line.trim()}`] : [])));
}

describe('imports follow the layering', () => {
  it('the scanner reads imports, re-exports and literal dynamic imports, across lines (it is not vacuous)', () => {
    expect(importsOf("import {\n  a,\n  b,\n} from '../x/y.ts';\nexport * from './z.ts';\nconst m = await import('./w.ts');\nimport './side.ts';"))
      .toEqual(['../x/y.ts', './z.ts', './w.ts', './side.ts']);
    expect(importsOf("const v = `import x from './generated.ts'`;")).toEqual([]);
    const edges = importEdges().map((e) => `${e.from} -> ${e.to}`);
    expect(edges).toContain('src/flow/index.ts -> src/target/index.ts');
  });

  it('every src/ folder and top-level file has a floor', () => {
    const units = new Set(tsFiles(join(ROOT, 'src')).map((f) => unitOf(relative(ROOT, f))));
    expect([...units].filter((u) => !FLOORS.some((f) => f.includes(u)))).toEqual([]);
  });

  it('no import runs back up the layering (beyond the known list, which must stay exact)', () => {
    const up = importEdges().filter((e) => floorOf(e.to) > floorOf(e.from)).map((e) => `${e.from} -> ${e.to}`);
    expect([...new Set(up)].sort()).toEqual(KNOWN_UPWARD);
  });

  it('outside src/layers/, no file imports a kind folder\'s files (the registry and src/layers/*.ts only)', () => {
    const direct = importEdges().filter((e) => !e.from.startsWith('src/layers/') && inKindFolder(e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect([...new Set(direct)].sort()).toEqual(KNOWN_KIND_IMPORTS);
  });

  it('outside src/target/, no file imports a target folder\'s files (src/target/index.ts and types.ts only)', () => {
    const direct = importEdges().filter((e) => !e.from.startsWith('src/target/') && inTargetFolder(e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect([...new Set(direct)].sort()).toEqual([]);
    // not vacuous: the registry itself imports the iCE40's folder
    expect(importEdges().some((e) => e.from === 'src/target/index.ts' && inTargetFolder(e.to))).toBe(true);
  });

  it('src/flow/ names no iCE40 file: it runs whichever target the board\'s part picks', () => {
    const flow = importEdges().filter((e) => e.from.startsWith('src/flow/') && e.to.startsWith('src/target/ice40/'));
    expect(flow).toEqual([]);
  });

  it('src/flow/ names no device, tool or cell of a target: which tools run, in which order, is the target\'s step data', () => {
    // the iCE40's name, tools, packages, cells and parts (yosys, any target's synthesis, and clang, CXXRTL's, are no device's)
    const device = /nextpnr|icepack|ice40|icestorm|SB_[A-Z]|ICESTORM_|\b(UP|HX|LP)\d+K\b|\.asc\b|\bup5k\b/i;
    expect(linesMatching('flow', device)).toEqual([]);
    // not vacuous: the iCE40's step data names them
    expect(readFileSync(join(ROOT, 'src', 'target', 'ice40', 'steps.ts'), 'utf8')).toMatch(device);
  });

  it('src/sim/ names no cell of a target: gate-level simulation takes its netlist script, cell models and refusals from the target (gateLevel)', () => {
    const cell = /SB_[A-Z]|ICESTORM_|cells_sim/;
    expect(linesMatching('sim', cell, '.ts')).toEqual([]);
    // not vacuous: the iCE40's gate-level face names them
    expect(readFileSync(join(ROOT, 'src', 'target', 'ice40', 'index.ts'), 'utf8')).toMatch(cell);
  });

  it('the CLI and the library generate and build through one step (src/network/build.ts), not each its own', () => {
    const edges = importEdges();
    for (const file of ['src/cli/main.ts', 'src/index.ts']) {
      expect(edges.some((e) => e.from === file && e.to === 'src/network/build.ts'), file).toBe(true);
      const text = readFileSync(join(ROOT, file), 'utf8');
      // running the flow, listing a generate's files and writing report.json are the shared step's
      expect(text, file).not.toMatch(/\brunFlow\(|\bwithFileList\(|writeFileSync\([^;]*'report\.json'/);
    }
  });

  it('README.md\'s Layout section prints the floors', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const printed = FLOORS.map((f, i) => `${String(i + 1).padStart(2)}  ${f.map((u) => `src/${u}`).join(' ')}`).reverse().join('\n');
    expect(readme).toContain(printed);
  });
});
