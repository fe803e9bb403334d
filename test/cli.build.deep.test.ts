/**
 * `circa build` of examples/tvscm-784.json for the iCEBreaker with the native
 * yosys/nextpnr/icepack (test/cli-build.ts); test/cli.test.ts runs the same
 * command with the YoWASP tools.
 */
import { it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExample } from './cli-build.ts';

it('build --board icebreaker --toolchain native: a bitstream, DSPs in use, Fmax >= 12 MHz', async () => {
  await buildExample('native', mkdtempSync(join(tmpdir(), 'circa-cli-build-')));
});
