/**
 * The repository stands alone (issue 28, item 1): no tracked file points at
 * something a user who clones the project does not have: a folder beside the
 * clone, a design guide or a facts file kept outside it, an absolute path of
 * the machine it was written on, or a Markdown link that leaves the
 * repository or names a file that is not in it. The design guide and the
 * cited figures are docs/architecture.md and docs/references.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const SELF = 'test/self-contained.test.ts';

function tracked(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f && f !== SELF);
}

function text(file: string): string | null {
  const path = join(ROOT, file);
  if (!existsSync(path)) return null; // deleted in the work tree, not yet committed
  const bytes = readFileSync(path);
  return bytes.subarray(0, 8000).includes(0) ? null : bytes.toString('utf8');
}

/** Names that point outside the repository (spelled in pieces so this file does not match itself). */
const OUTSIDE: { what: string; re: RegExp }[] = [
  { what: 'a folder beside the clone', re: new RegExp(['\\.\\.', 'shared'].join('/')) },
  { what: 'the facts file kept outside the project', re: new RegExp(['FACTS', 'md'].join('\\.')) },
  { what: 'a design guide kept outside docs/', re: new RegExp(['ARCHITECTURE', 'md'].join('\\.')) },
  { what: 'an absolute path of the development machine', re: new RegExp(`(^|[^\\w.~-])/${'work'}(/|\\b)`) },
];

describe('the repository stands alone', () => {
  const files = tracked();

  it('tracks the design guide and the references', () => {
    expect(files).toContain('docs/architecture.md');
    expect(files).toContain('docs/references.md');
  });

  it('no tracked file names a path outside the repository', () => {
    const offences: string[] = [];
    for (const file of files) {
      const body = text(file);
      if (body === null) continue;
      body.split('\n').forEach((line, i) => {
        for (const { what, re } of OUTSIDE) if (re.test(line)) offences.push(`${file}:${i + 1}: ${what}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(offences).toEqual([]);
  });

  it('every relative Markdown link lands on a tracked file inside the repository', () => {
    const known = new Set(files);
    const offences: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.md'))) {
      const body = text(file);
      if (body === null) continue;
      for (const m of body.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split('#')[0];
        if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // an anchor, or a URL
        const rel = relative(ROOT, resolve(ROOT, dirname(file), target));
        if (rel.startsWith('..') || !(known.has(rel) || files.some((f) => f.startsWith(`${rel}/`)))) offences.push(`${file}: ${m[1]}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
