/**
 * The synthesised netlist keeps every multiplier and drives every SB_MAC16
 * input, and simulates bit-exact at gate level on Verilator
 * (test/netlist-checks.ts): here the two block-circulant shapes that lost a
 * product before, the tvscm-784 example at gate level and the SPRAM refusal;
 * fft64 and circulant-256 (structure, and fft64 at gate level) in
 * test/netlist.deep.test.ts (`npm run test:deep`).
 */
import { DEFAULT_NETLIST_CHECKS, describeNetlistChecks } from './netlist-checks.ts';

describeNetlistChecks((label) => DEFAULT_NETLIST_CHECKS.includes(label));
