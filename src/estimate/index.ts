/**
 * Estimates for hardware studies: resources (exact DSP/EBR/SPRAM, fitted
 * LUT/FF), fit checks, energy per inference under technology tables,
 * design comparisons against the TVSCM paper, and design-space sweeps.
 */
export {
  predictResources, predictInventory, compareResources, formatResourceComparison, formatResourceEstimate,
  inventoryOf, errorPct, LOGIC_TOLERANCE_PCT,
  type ResourceEstimate, type ResourceRow, type ResourceCounts, type ResourceOptions, type ResourceComparison, type ResourceComparisonRow,
  type MultiplierMapping,
} from './resources.ts';
export { fitCheck, formatFit, SPRAM_BITS, type FitResult, type FitRow, type FitOptions } from './fit.ts';
export {
  energyPerInference, formatEnergy, formatEnergyReport, ENERGY_CATEGORIES,
  type EnergyReport, type EnergyLine, type EnergyOptions, type EnergyCategory,
} from './energy.ts';
export {
  ICE40_UP5K, ASIC_45NM, BUILTIN_TABLES, energyTableSchema, parseEnergyTable, loadEnergyTable, type EnergyTable,
} from './tables.ts';
export {
  compareDesigns, formatComparison, markdownComparison, comparisonJson, comparisonCharts, paperRowFor, PAPER,
  type Comparison, type CompareMetric, type CompareOptions, type PaperRow,
} from './compare.ts';
export {
  parseVary, applyVary, expandPoints, parseShard, evaluatePoint, toCsv, mergeCsv, parseCsv, sweepSvg, SHORTHANDS, shorthands, fieldShorthands,
  type Vary, type SweepPoint, type PointResult,
} from './sweep.ts';
export { synthPoints, buildKey, buildCacheDir } from './sweep-synth.ts';
export type { MemorySpec, MemoryMapping, MultiplierSpec } from '../target/index.ts';
export { designInventory, type DesignInventory, type LayerInventory, type MemoryUse } from './inventory.ts';
export { dspBound, formatDspBound, parsePart, type DspBound } from './bound.ts';
export { fill, formatFill, EXHAUSTIVE_LIMIT, type FillResult, type FillChoice, type FillLayer, type FillOptions } from './fill.ts';
