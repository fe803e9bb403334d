/**
 * The netlist checks the default suite leaves out (test/netlist-checks.ts):
 * fft64 and circulant-256 keep every multiplier with every SB_MAC16 input
 * driven, and fft64 simulates bit-exact at gate level on Verilator.
 */
import { DEFAULT_NETLIST_CHECKS, describeNetlistChecks } from './netlist-checks.ts';

describeNetlistChecks((label) => !DEFAULT_NETLIST_CHECKS.includes(label));
