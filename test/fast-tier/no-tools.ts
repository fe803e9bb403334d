/**
 * test:fast stands in for @yowasp/yosys and @yowasp/nextpnr-ice40 with this
 * module (vitest.fast.config.ts aliases them here): a fast test that reaches
 * synthesis fails with this message instead of running for minutes.
 */
function refuse(): never {
  throw new Error('test:fast runs no synthesis: this test uses YoWASP; tag it `tools` or move its file out of the fast list in vitest.fast.config.ts');
}
export const runYosys = refuse;
export const runNextpnrIce40 = refuse;
export const runIcepack = refuse;
export const runIcepll = refuse;
export const runIcebram = refuse;
