/**
 * The PLL-path build the default suite leaves out (test/pll-builds.ts):
 * mitbih-tvscm behind the framed protocol at the 12 MHz board clock (no PLL)
 * with native tools. test/pll.build.test.ts builds the 24 MHz one.
 */
import { describePllBuilds, PLL_BUILDS } from './pll-builds.ts';

describePllBuilds(PLL_BUILDS.filter(([, clock]) => clock === undefined));
