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
