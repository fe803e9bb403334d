/**
 * `npm run readme:check`: rerun the README's cheap commands and fail when a
 * figure drifts (scripts/readme-figures.ts says which and how). Prints one
 * line per check, the transcripts it does not rerun (they need Verilator, a
 * synthesis or a board), and exits 1 on any drift.
 */
import { CHEAP_COMMANDS, FIGURES, checkFigure, checkTranscript, readReadme, transcripts } from './readme-figures.ts';

const readme = readReadme();
const all = transcripts(readme);
let drifted = 0;
for (const t of all.filter((x) => x.cheap)) {
  const r = await checkTranscript(t);
  if (r.drift) drifted++;
  console.log(`${r.drift ? 'DRIFT' : 'ok   '} ${r.what} (${r.seconds.toFixed(1)} s)${r.drift ? `\n  ${r.drift}` : ''}`);
}
for (const f of FIGURES) {
  const r = await checkFigure(f, readme);
  if (r.drift) drifted++;
  console.log(`${r.drift ? 'DRIFT' : 'ok   '} ${r.what} (${r.seconds.toFixed(1)} s)${r.drift ? `\n  ${r.drift}` : ''}`);
}
for (const t of all.filter((x) => !x.cheap)) console.log(`not rerun: README.md:${t.line} circa ${t.args.join(' ')} (not one of ${CHEAP_COMMANDS.join(', ')})`);
console.log(drifted ? `${drifted} figure(s) drifted` : 'every rerun figure matches the README');
process.exit(drifted ? 1 : 0);
