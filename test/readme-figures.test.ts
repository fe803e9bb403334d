/**
 * The README's figures rerun (issue 28, item 6): the cheap `$ circa ...`
 * transcripts and the figures quoted beside a command
 * (scripts/readme-figures.ts; `npm run readme:check` runs the same checks).
 * The commands run the models only: no tools, so the fast tier runs this file.
 */
import { describe, expect, it } from 'vitest';
import { FIGURES, checkFigure, checkTranscript, readReadme, transcriptDrift, transcripts } from '../scripts/readme-figures.ts';

const readme = readReadme();
const all = transcripts(readme);

describe('the drift check itself', () => {
  it('a changed figure drifts, a `...` gap and a duration do not', () => {
    const out = 'a: x\n\nmetric  1,234\nsearch: priced in 16.97 s\nlast line';
    expect(transcriptDrift(['a: x', '', 'metric  1,234', 'search: priced in 1.81 s', 'last line'], out)).toBeUndefined();
    expect(transcriptDrift(['a: x', '...', 'last line'], out)).toBeUndefined();
    expect(transcriptDrift(['a: x', '', 'metric  1,235', '...'], out)).toMatch(/metric {2}1,235/);
    // the README's block must start where the output starts, and not stop short of it without a `...`
    expect(transcriptDrift(['metric  1,234', '...'], out)).toMatch(/output line 1: "a: x"/);
    expect(transcriptDrift(['a: x'], out)).toMatch(/goes on after/);
  });

  it('finds the README\'s transcripts, the cheap ones among them', () => {
    const cheap = all.filter((t) => t.cheap).map((t) => t.args.slice(0, 2).join(' '));
    expect(cheap).toEqual(expect.arrayContaining(['estimate examples/tvscm-784.json', 'compare examples/mnist-dense.json', 'boards', 'fft-report 64', 'sweep examples/trained/mnist-tvscm.json']));
    expect(all.filter((t) => !t.cheap).map((t) => t.args[0])).toEqual(expect.arrayContaining(['sim', 'build']));
  });
});

describe('the README\'s cheap transcripts rerun to the figures it prints', () => {
  for (const t of all.filter((x) => x.cheap)) {
    it(`README.md:${t.line} circa ${t.args.join(' ')}`, { timeout: 120_000 }, async () => {
      expect((await checkTranscript(t)).drift).toBeUndefined();
    });
  }
});

describe('figures quoted beside their command', () => {
  for (const f of FIGURES) {
    it(f.label, { timeout: 120_000 }, async () => {
      expect((await checkFigure(f, readme)).drift).toBeUndefined();
    });
  }
});
