/**
 * No function in src/ is over 200 lines (issue 27: the folded FFT engine was
 * one 765-line function). Reads every src/ file with the TypeScript parser:
 * functions, methods, arrows and accessors with a body, nested ones
 * measured on their own, from the first line of the declaration to the
 * line of its closing brace.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const MAX_LINES = 200;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every function with a body in a source text: `name line: lines`. */
function functionLengths(name: string, text: string): { where: string; lines: number }[] {
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const out: { where: string; lines: number }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const named = 'name' in n && n.name ? n.name : ts.isVariableDeclaration(n.parent) || ts.isPropertyAssignment(n.parent) ? n.parent.name : undefined;
      const id = named ? named.getText(sf) : '(anonymous)';
      out.push({ where: `${name}:${first + 1} ${id}`, lines: last - first + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('function length', () => {
  it('measures functions, arrows and methods, nested ones apart (it is not vacuous)', () => {
    const body = Array.from({ length: MAX_LINES - 1 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const m = functionLengths('x.ts', `export function big() {\n${body}\n}\nconst f = (a: number) => {\n  return a;\n};\nclass C { m() {\n  return 1;\n} }\n`);
    expect(m).toEqual([{ where: 'x.ts:1 big', lines: MAX_LINES + 1 }, { where: 'x.ts:202 f', lines: 3 }, { where: 'x.ts:205 m', lines: 3 }]);
  });

  it(`no function in src/ is over ${MAX_LINES} lines`, () => {
    const long = tsFiles(join(ROOT, 'src'))
      .flatMap((f) => functionLengths(relative(ROOT, f), readFileSync(f, 'utf8')))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.where}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });
});
