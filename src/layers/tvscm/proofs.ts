/**
 * The TVSCM kind's proofs (its `proofs` face, run by `circa prove`): a whole
 * generated TVSCM layer (template tvscm_layer.v through the layer's rtl face)
 * against tvscmReference's formulas for every input vector, every pair of
 * weights (written through the config port), every ready/valid pattern over
 * the bound. The miter's reference expressions come from src/formal/.
 */
import { maxOf, minOf } from '../../fixed/index.ts';
import type { SourceFile } from '../../verilog/index.ts';
import { ALL_MODES, lit, requantFunctions, roundedWidth, signedBitsFor, tag, type Mode, type ProofJob, type ReferenceFault } from '../../formal/index.ts';
import { planTvscm, type TvscmPlan } from './plan.ts';
import { tvscmSpecSchema } from './spec.ts';
import { tvscmRtl, tvscmTopName } from './rtl.ts';
import { tvscmCycles } from './cost.ts';

// ---------------------------------------------------------------------------
// A whole TVSCM layer, sequential
// ---------------------------------------------------------------------------

export interface TvscmShape {
  n: number;
  placement: { type: 'band'; radius: number } | { type: 'complement' };
  lanes: number;
  /** input, weight and output formats (Q int.frac) */
  input: { int: number; frac: number };
  weights: { int: number; frac: number };
  output: { int: number; frac: number };
  relu: boolean;
}

/**
 * Default TVSCM shapes: n = 3 band radius 1 with 3 lanes (one output beat
 * holds every lane, and lanes 0 and 2 take their neighbours across the
 * wrap-around), and n = 3 complement with one lane and ReLU. 4-bit inputs
 * and weights, 4-bit outputs with shift 3: many ties, many overflows.
 */
export const TVSCM_SHAPES: readonly TvscmShape[] = [
  { n: 3, placement: { type: 'band', radius: 1 }, lanes: 3, input: { int: 0, frac: 1 }, weights: { int: 0, frac: 1 }, output: { int: 0, frac: 1 }, relu: false },
  { n: 3, placement: { type: 'complement' }, lanes: 1, input: { int: 0, frac: 1 }, weights: { int: 0, frac: 1 }, output: { int: 0, frac: 1 }, relu: true },
];

/** Stall cycles the bound allows beyond the no-stall latency of one vector. */
export const TVSCM_SLACK = 1;

function dedupe(sources: readonly SourceFile[]): SourceFile[] {
  const seen = new Map<string, SourceFile>();
  for (const s of sources) if (!seen.has(s.name)) seen.set(s.name, s);
  return [...seen.values()];
}

function planShape(shape: TvscmShape, m: Mode, name: string): TvscmPlan {
  return planTvscm(tvscmSpecSchema.parse({
    kind: 'tvscm',
    name,
    n: shape.n,
    placement: shape.placement,
    lanes: shape.lanes,
    input: shape.input,
    weights: { format: shape.weights, a: 0, b: 0, raw: true },
    output: { format: shape.output, rounding: m.rounding, overflow: m.overflow, relu: shape.relu },
  }));
}

/** Config writes (a, b) before the vector: the layer takes them only while busy is low, i.e. between vectors. */
const TVSCM_CONFIG_STEPS = 2;

/** Steps of the bounded proof: reset, the two weight writes, one vector without stalls, and the slack. */
export function tvscmSteps(shape: TvscmShape): number {
  return 1 + TVSCM_CONFIG_STEPS + tvscmCycles(planShape(shape, ALL_MODES[0], 'fv_steps')).latency + 1 + TVSCM_SLACK;
}

/**
 * A miter of generated TVSCM layers (one per mode, same shape) against
 * tvscmReference's formulas: the accumulator a*x_i + b*(pair sums) or
 * (a - b)*x_i + b*S in exact arithmetic (wider than the plan's widths, so a
 * too narrow accumulator in the RTL would show), then requantize, then ReLU.
 *
 * The harness is the stream contract, not a copy of the layer's schedule: it
 * records the elements as the input handshake takes them and the weights as
 * the config port writes them, counts output beats, and asserts on every beat
 * (whenever m_valid is high, stalled or not) that each lane equals the
 * reference of its element, that m_keep and m_last are right and that the
 * sticky ovf equals the OR of the reference's overflow flags of the beats
 * emitted so far. The environment is free: any input values, any valid and
 * ready pattern, config writes at any cycle while busy is low (the layer's
 * documented rule), s_last anything; one vector (no element offered after
 * the n-th is taken: the shadow records one vector). Every power-up value of every register
 * without a reset (memories, window, products) is free too.
 */
export function tvscmJob(shape: TvscmShape, modes: readonly Mode[] = ALL_MODES, fault: ReferenceFault = 'none', schedule: 'free' | 'no-stall' = 'no-stall'): ProofJob {
  const plans = modes.map((m) => planShape(shape, m, `fv_tvscm_${tag(m)}`));
  const p0 = plans[0];
  const { n, lanes: P, rows: ROWS, xWidth: XW, wWidth: WW, yWidth: YW } = p0;
  const steps = tvscmSteps(shape);
  const top = 'formal_tvscm';
  // exact accumulator width, from the formula's worst case and not from the plan
  const xMax = -minOf(XW);
  const wMax = -minOf(WW);
  const accBound = p0.placement === 'band' ? wMax * xMax * (1 + 2 * p0.radius) : 2 * wMax * xMax + wMax * xMax * n;
  const RW = signedBitsFor(accBound) + 1;
  const idxW = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const rowW = Math.max(1, Math.ceil(Math.log2(ROWS + 1)));
  const L: string[] = [];
  L.push(`// ${top}: generated by circa (src/formal/checks.ts). A bounded sequential miter:
// ${modes.length} generated TVSCM layer(s) (n = ${n}, ${p0.placement}${p0.placement === 'band' ? ` radius ${p0.radius}` : ''}, ${P} lane(s),
// x ${XW} bits, weights ${WW} bits, y ${YW} bits, shift ${p0.requant.shift}${p0.relu ? ', ReLU' : ''}), one per rounding/overflow mode,
// against tvscmReference() written out as Verilog, for ${steps} clock steps.
module ${top} (
    input  wire             clk,
    input  wire             rst,
    input  wire             cfg_we,
    input  wire [1:0]       cfg_addr,
    input  wire [${WW - 1}:0]       cfg_data,
    input  wire             s_valid,
    input  wire [${XW - 1}:0]       s_data,
    input  wire             s_last,
    input  wire             m_ready
);`);
  // the DUTs
  plans.forEach((p, d) => {
    L.push(`
    // DUT ${d}: ${p.requant.rounding}, ${p.requant.overflow}
    wire s_ready_${d}, m_valid_${d}, m_last_${d}, ovf_${d}, busy_${d};
    wire [${P * YW - 1}:0] m_data_${d};
    wire [${P - 1}:0] m_keep_${d};
    ${tvscmTopName(p)} u_dut_${d} (
        .clk(clk), .rst(rst), .cfg_we(cfg_we), .cfg_addr(cfg_addr), .cfg_data(cfg_data),
        .s_valid(s_valid), .s_ready(s_ready_${d}), .s_data(s_data), .s_last(s_last),
        .m_valid(m_valid_${d}), .m_ready(m_ready), .m_data(m_data_${d}), .m_keep(m_keep_${d}), .m_last(m_last_${d}),
        .ovf(ovf_${d}), .busy(busy_${d}));`);
  });
  // the contract: shadow of the stream and the config port
  const xs = Array.from({ length: n }, (_, i) => `sh_x${i}`);
  L.push(`
    // ---- the stream contract, recorded from DUT 0's handshake ----
    wire in_fire  = s_valid & s_ready_0;
    wire out_fire = m_valid_0 & m_ready;
    reg [${idxW - 1}:0] sh_in;      // index of the next input element
    reg [${rowW - 1}:0] sh_row;     // the output beat (row) expected next
    reg signed [${XW - 1}:0] ${xs.join(', ')};
    reg signed [${WW - 1}:0] sh_a, sh_b;
    always @(posedge clk) begin
        if (rst) begin
            sh_in  <= 0;
            sh_row <= 0;
            sh_a   <= ${lit(p0.a, WW)};
            sh_b   <= ${lit(p0.b, WW)};
        end else begin
            if (in_fire) sh_in <= (sh_in == ${n - 1}) ? 0 : sh_in + 1'b1;
            if (out_fire) sh_row <= (sh_row == ${ROWS - 1}) ? 0 : sh_row + 1'b1;
            if (cfg_we && cfg_addr == 2'd0) sh_a <= cfg_data;
            if (cfg_we && cfg_addr == 2'd1) sh_b <= cfg_data;
        end
    end
    always @(posedge clk) begin
${xs.map((x, i) => `        if (in_fire && sh_in == ${i}) ${x} <= s_data;`).join('\n')}
    end
    // the layer's rule: weights are written between vectors
    always @* if (!rst && cfg_we) assume(!busy_0);
    // one vector within the bound: the shadow records one, so after its n elements no
    // more are offered (with two input buffers the layer would take a second vector
    // while this one computes; that vector is outside this proof)
    reg [${idxW - 1}:0] sh_taken;
    always @(posedge clk) begin
        if (rst) sh_taken <= 0;
        else if (in_fire && sh_taken != ${n}) sh_taken <= sh_taken + 1'b1;
    end
    always @* if (!rst && sh_taken == ${n}) assume(!s_valid);`);
  // the reference accumulators
  L.push(`
    // ---- tvscmAccumulate (src/layers/tvscm/reference.ts), exact in ${RW} bits ----`);
  for (let i = 0; i < n; i++) {
    let expr: string;
    if (p0.placement === 'band') {
      const pairs: string[] = [];
      for (let k = 1; k <= p0.radius; k++) pairs.push(xs[(i - k + n) % n], xs[(i + k) % n]);
      expr = `sh_a * ${xs[i]} + sh_b * (${pairs.join(' + ')})`;
    } else {
      expr = `(sh_a - sh_b) * ${xs[i]} + sh_b * (${xs.join(' + ')})`;
    }
    L.push(`    wire signed [${RW - 1}:0] acc_${i} = ${expr};`);
  }
  // per mode: requantize, ReLU, the expected beat and the assertions
  plans.forEach((p, d) => {
    const r = p.requant;
    const R = roundedWidth(RW, r.shift);
    L.push(`
    // ---- DUT ${d}: requantize (${r.rounding}, ${r.overflow}, shift ${r.shift}, ${YW} bits)${p.relu ? ', then ReLU' : ''} ----
${requantFunctions(`ref_${d}`, RW, r.shift, YW, r.rounding, r.overflow, fault)}`);
    for (let i = 0; i < n; i++) {
      L.push(`    wire signed [${R - 1}:0] rnd_${d}_${i} = ref_${d}_r(acc_${i});
    wire signed [${YW - 1}:0] fit_${d}_${i} = ref_${d}_v(rnd_${d}_${i});
    wire signed [${YW - 1}:0] y_${d}_${i} = ${p.relu ? `(fit_${d}_${i} < 0) ? ${lit(0, YW)} : fit_${d}_${i}` : `fit_${d}_${i}`};
    wire ovf_${d}_${i} = ref_${d}_o(rnd_${d}_${i})${p.relu ? ` & ~(rnd_${d}_${i} < 0 && y_${d}_${i} == 0)` : ''};   // lost information (requantActivate)`);
    }
    // expected beat per row
    const rowData = (t: number): string => `{${Array.from({ length: P }, (_, j) => P - 1 - j).map((j) => (t * P + j < n ? `y_${d}_${t * P + j}` : `${YW}'d0`)).join(', ')}}`;
    const rowOvf = (t: number): string => Array.from({ length: P }, (_, j) => t * P + j).filter((i) => i < n).map((i) => `ovf_${d}_${i}`).join(' | ');
    let dataMux = rowData(ROWS - 1);
    let ovfMux = `(${rowOvf(ROWS - 1)})`;
    for (let t = ROWS - 2; t >= 0; t--) {
      dataMux = `(sh_row == ${t}) ? ${rowData(t)} : ${dataMux}`;
      ovfMux = `(sh_row == ${t}) ? (${rowOvf(t)}) : ${ovfMux}`;
    }
    L.push(`    wire [${P * YW - 1}:0] want_data_${d} = ${dataMux};
    wire want_beat_ovf_${d} = ${ovfMux};
    reg sh_ovf_${d};   // the reference's sticky overflow over the beats emitted
    always @(posedge clk) begin
        if (rst) sh_ovf_${d} <= 1'b0;
        else if (cfg_we && cfg_addr == 2'd2) sh_ovf_${d} <= 1'b0;
        else if (out_fire && want_beat_ovf_${d}) sh_ovf_${d} <= 1'b1;
    end
    always @* begin
        if (!rst) begin
            assert(s_ready_${d} == s_ready_0 && m_valid_${d} == m_valid_0 && busy_${d} == busy_0);
            if (m_valid_0) begin
                assert(m_data_${d} == want_data_${d});
                assert(ovf_${d} == (sh_ovf_${d} | want_beat_ovf_${d}));
            end else begin
                assert(ovf_${d} == sh_ovf_${d});
            end
        end
    end`);
  });
  // keep and last are the same for every mode
  const keepOf = (t: number): string => `${P}'b${Array.from({ length: P }, (_, j) => P - 1 - j).map((j) => (t * P + j < n ? '1' : '0')).join('')}`;
  let keepMux = keepOf(ROWS - 1);
  for (let t = ROWS - 2; t >= 0; t--) keepMux = `(sh_row == ${t}) ? ${keepOf(t)} : ${keepMux}`;
  L.push(`
    wire [${P - 1}:0] want_keep = ${keepMux};
    wire want_last = sh_row == ${ROWS - 1};
    always @* if (!rst && m_valid_0) assert(m_keep_0 == want_keep && m_last_0 == want_last);
    wire unused_ok = &{1'b0, m_last_0${plans.slice(1).map((_, k) => `, m_keep_${k + 1}, m_last_${k + 1}`).join('')}};
endmodule
`);
  const sources = dedupe(plans.flatMap((p) => tvscmRtl(p).sources));
  return {
    name: `tvscm layer n=${n} ${p0.placement}${p0.placement === 'band' ? ` r=${p0.radius}` : ''} P=${P} x${XW} w${WW} y${YW} shift ${p0.requant.shift}${p0.relu ? ' relu' : ''}; ${modes.length} mode(s); ${steps} steps`,
    sources: [...sources, { name: `${top}.v`, text: L.join('\n') }],
    top,
    mode: { kind: 'seq', steps, fixed: schedule === 'free' ? [] : noStallSchedule(n, steps) },
  };
}

/**
 * The no-stall schedule: the consumer always ready, a written in step 2 and b
 * in step 3 (values free), then the n elements (values free) in steps
 * 4..n+3, no config write and no input after. The writes come before the
 * elements because the layer's rule (assumed by the miter) allows them only
 * while busy is low, and busy is high from the first element taken: a
 * schedule that wrote during the load would contradict the assumption and
 * make every proof vacuous (the fault tests in test/formal.test.ts catch
 * that: they must find a counterexample).
 */
function noStallSchedule(n: number, steps: number): [number, string, number][] {
  const first = 2 + TVSCM_CONFIG_STEPS;
  const f: [number, string, number][] = [[2, 'cfg_addr', 0], [3, 'cfg_addr', 1]];
  for (let t = 2; t <= steps; t++) {
    f.push([t, 'm_ready', 1], [t, 's_valid', t >= first && t < first + n ? 1 : 0], [t, 'cfg_we', t < first ? 1 : 0]);
  }
  return f;
}

/** The proofs of `npm test` (one shape, one mode) or of `npm run test:deep` (every shape in every mode). */
export function tvscmProofs(deep: boolean): ProofJob[] {
  if (!deep) return [tvscmJob(TVSCM_SHAPES[0], [{ rounding: 'convergent', overflow: 'saturate' }])];
  return TVSCM_SHAPES.flatMap((shape) => ALL_MODES.map((m) => tvscmJob(shape, [m])));
}
