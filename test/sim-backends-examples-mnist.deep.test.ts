/** Part of the deep back-end sweep (see test/sim-backends-sweep.ts): the MNIST-sized example designs but mnist-dense on Verilator and CXXRTL. */
import { crossCheckExamples } from './sim-backends-sweep.ts';

crossCheckExamples('mnist');
