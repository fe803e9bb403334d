/**
 * The streaming FFT/IFFT pipeline (R2²SDF), shared by the circulant layer
 * kinds: spec (schema and checks), plan (the one schedule), reference
 * (bit-exact and float models), rtl (Verilog), cost (cycles and resources),
 * report (SQNR sweeps), cosim (RTL against the model), fit (iCE40 UP5K).
 */
export {
  fftSpecSchema, validateFftSpec, shiftSchedule, isPowerOfTwo,
  FFT_MIN_N, FFT_MAX_N, FOLDED_MIN_N, FOLDED_MAX_N, FOLDED_MAX_BUTTERFLIES, FFT_MIN_DATA_WIDTH, FFT_MAX_INTERNAL_WIDTH, FFT_MIN_TWIDDLE_WIDTH, FFT_MAX_TWIDDLE_WIDTH,
  type FftSpec, type FftSpecInput, type FftScaling,
} from './spec.ts';
export {
  planFft, bitReverse, twiddleExponent, unitRoot,
  RAM_DELAY_THRESHOLD, ROM_EBR_THRESHOLD, CMUL_LATENCY, BF_EXTRA_LATENCY, SKID_LATENCY,
  type FftPlan, type Stage, type ButterflyStage, type TwiddleStage, type Rotation,
} from './plan.ts';
export {
  fftFixed, fftPipelineFloat, fftIdeal, errorStats, errorBound, bitReversePermute,
  type Cplx, type FixedResult, type ErrorStats,
} from './reference.ts';
export { generateFftRtl, romWord, type FftDesign } from './rtl.ts';
export { fftCost, ebrBlocks, type FftCost, type FftMemory } from './cost.ts';
export { fftReport, formatFftReport, DEFAULT_REPORT_WIDTHS, type FftReportOptions, type FftReportRow } from './report.ts';
export { cosimFft, makeFftVectors, mulberry32, type FftVector, type FftVectorKind, type FftCosimReport, type FftMismatch } from './cosim.ts';
export { fitUp5k, synthIce40, fitWrapper, type FitResult, type YosysResult } from './fit.ts';
export {
  planFoldedFft, foldedFftFixed, runPass, twiddleTable, difPasses, ditPasses, computeCycles, engineCycles, engineFirstOutput,
  foldedFftSchedule, foldedFftIdeal, isFoldedSpec, BFU_LATENCY, WRITE_AFTER_ISSUE, PASS_GAP, FFT_UNLOAD_LATENCY, WRITEBACK_GAP,
  type FoldedFftPlan, type FoldedPass, type PassMode, type EngineNumerics, type EngineSchedule, type PmulOperand,
} from './folded.ts';
export {
  generateEngineRtl, generateFoldedFftRtl, packHalfSpectrum, unloadLatency,
  type EngineLoad, type EngineUnload, type EngineRtlRequest, type EngineRtl, type EngineWriteBack,
  type EngineOutputStage, type EngineOutputContext, type EngineOutputRtl,
} from './folded-rtl.ts';
