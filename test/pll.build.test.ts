/**
 * mitbih-tvscm behind the framed UART protocol on the iCEBreaker at 24 MHz
 * through the PLL (`circa build --clock 24`), YoWASP tools: see
 * test/pll-builds.ts. The 12 MHz native build repeats the board-top path of
 * the other builds and runs in test/pll.build.deep.test.ts (`npm run test:deep`).
 */
import { describePllBuilds, PLL_BUILDS } from './pll-builds.ts';

describePllBuilds(PLL_BUILDS.filter(([, clock]) => clock !== undefined));
