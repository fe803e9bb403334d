/** Part of the deep back-end sweep (see test/sim-backends-sweep.ts): ten random configurations of every kind on Verilator and CXXRTL. */
import { crossCheckRandomSweep } from './sim-backends-sweep.ts';

crossCheckRandomSweep();
