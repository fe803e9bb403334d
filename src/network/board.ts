/**
 * The board top: a streamed design behind circa's framed UART protocol
 * (src/network/protocol.ts; the device top of src/network/proto-top.ts),
 * with a power-on reset, status LEDs at the
 * board's polarity, and, when asked for a clock other than the board's, the
 * iCE40 PLL (src/target/ice40/pll.ts).
 *
 *   LED 0: busy (a command is being carried out or answered)
 *   LED 1: overflow (the design's sticky flag)
 *   LED 2: error (sticky: a rejected frame, a timeout or a lost byte), when the board has a third LED
 */
import { CircaInputError } from '../errors.ts';
import { type Board, clockPlan, type ClockPlan, describeClock, pcfFor, uartBoards } from '../target/index.ts';
import type { LayerRtl } from '../layers/types.ts';
import { header, instance, template, type SourceFile } from '../verilog/index.ts';
import { DEFAULT_TIMEOUT_BITS } from './protocol.ts';
import { PROTO_TOP_MODULE, protoDesign } from './proto-top.ts';

export const BOARD_TOP_MODULE = 'circa_board_top';
export const BAUD = 115200;
/** the largest baud-rate error the UART tolerates comfortably (both ends sample mid-bit) */
export const MAX_BAUD_ERROR = 0.02;

/** UltraPlus packages whose clock pin is the PLL's own input pad (SB_PLL40_CORE cannot be placed there). */
const PLL_PAD_PINS: Record<string, readonly string[]> = { 'UP5K/sg48': ['35'], 'UP3K/sg48': ['35'] };

export interface BoardDesign {
  sources: SourceFile[];
  top: string;
  pcf: string;
  /** clock cycles per UART bit at the design clock */
  clksPerBit: number;
  /** what each LED shows */
  leds: string[];
  /** the design clock: the board clock, or the PLL output */
  clock: ClockPlan;
  /**
   * The board as the flow should see it: clock.mhz is the design clock, so
   * runFlow passes it to nextpnr (--freq) and judges timing against it.
   */
  flowBoard: Board;
}

/** Clock cycles per UART bit at `mhz`, checked against MAX_BAUD_ERROR. */
export function clksPerBitFor(mhz: number, baud = BAUD): number {
  const cpb = Math.round((mhz * 1e6) / baud);
  const err = Math.abs((mhz * 1e6) / cpb - baud) / baud;
  if (cpb < 4 || err > MAX_BAUD_ERROR) {
    throw new CircaInputError(`a ${mhz} MHz clock cannot make ${baud} baud within ${MAX_BAUD_ERROR * 100}% (${cpb} clocks per bit, ${(err * 100).toFixed(1)}% off)`);
  }
  return cpb;
}

/**
 * The board top around `rtl` (the design's top, stream port convention).
 * `clockMHz` (`circa build --clock`): run the design at this clock through
 * the PLL; omitted, or equal to the board clock, the design runs on the
 * board clock directly. Throws CircaInputError for a board without a UART or
 * a clock the PLL cannot make.
 */
export function boardDesign(rtl: LayerRtl, board: Board, clockMHz?: number): BoardDesign {
  if (!board.uart) {
    throw new CircaInputError(
      `board ${board.name} has no UART (${board.notes ?? 'no serial pins'}); circa's board top talks to the host over a UART. ` +
        `Choose a board with one (${uartBoards().join(', ')}).`,
    );
  }
  const clock = clockPlan(board.clock.mhz, clockMHz);
  const clksPerBit = clksPerBitFor(clock.mhz);
  const proto = protoDesign(rtl, { clksPerBit, timeoutBits: DEFAULT_TIMEOUT_BITS });

  const roles = ['busy', 'ovf', 'error'];
  const nLeds = Math.min(board.leds.length, roles.length);
  const ledLines: string[] = [];
  for (let i = 0; i < nLeds; i++) {
    const led = board.leds[i];
    ledLines.push(`    assign led[${i}] = ${led.activeLow ? '~' : ''}${roles[i]};   // ${led.name}: ${roles[i]}${led.activeLow ? ' (active low)' : ''}`);
  }
  const ledPort = nLeds > 0 ? `,\n    output wire [${nLeds - 1}:0] led` : '';

  const pll = clock.pll;
  const usePad = !!pll && (PLL_PAD_PINS[`${board.part}/${board.package}`] ?? []).includes(board.clock.pin);
  const clockLogic = pll
    ? `    // ---- clock: the board clock through the PLL; reset held until it locks ----
    wire clk_design, pll_locked;
${instance('pll_ice40', 'u_pll', {
        DIVR: `4'd${pll.divr}`, DIVF: `7'd${pll.divf}`, DIVQ: `3'd${pll.divq}`, FILTER_RANGE: `3'd${pll.filterRange}`, PAD: usePad ? 1 : 0,
      }, { clk_in: 'clk', clk_out: 'clk_design', locked: 'pll_locked' }, '    ')}
    // LOCK is asynchronous to clk_design: two flops before it is used
    reg  [1:0] lock_sync = 2'b00;
    always @(posedge clk_design) lock_sync <= {lock_sync[0], pll_locked};

    reg  [4:0] por_count = 5'd0;
    wire       rst = ~por_count[4];
    always @(posedge clk_design) begin
        if (!lock_sync[1])     por_count <= 5'd0;
        else if (!por_count[4]) por_count <= por_count + 5'd1;
    end
`
    : `    // ---- clock: the board clock as it is ----
    wire clk_design = clk;

    reg  [4:0] por_count = 5'd0;
    wire       rst = ~por_count[4];
    always @(posedge clk_design) begin
        if (!por_count[4]) por_count <= por_count + 5'd1;
    end
`;

  const text = `${header(`${BOARD_TOP_MODULE}: ${rtl.top} on ${board.title}`, {
    board: board.name,
    part: `${board.part} ${board.package}`,
    clock: pll ? describeClock(clock).replace(/^clock: /, '') + `, ${usePad ? 'SB_PLL40_PAD' : 'SB_PLL40_CORE'}` : `${board.clock.mhz} MHz on pin ${board.clock.pin}`,
    uart: `${BAUD} baud 8N1, ${clksPerBit} clocks per bit, rx ${board.uart.rx}, tx ${board.uart.tx}, framed protocol (src/network/protocol.ts)`,
    design: rtl.top,
  }, [
    'Power-on reset: iCE40 flip-flops configure to zero, so the counter below',
    `starts at zero and holds reset for 16 cycles${pll ? ' after the PLL locks' : ''}. Its initialiser is the one`,
    'deliberate initial value outside ROM contents (it states the configured value).',
  ])}
module ${BOARD_TOP_MODULE} (
    input  wire clk,
    input  wire uart_rx,
    output wire uart_tx${ledPort}
);
${clockLogic}
    wire busy, ovf, error;
    ${PROTO_TOP_MODULE} u_proto (
        .clk      (clk_design),
        .rst      (rst),
        .uart_rx  (uart_rx),
        .uart_tx  (uart_tx),
        .busy     (busy),
        .ovf      (ovf),
        .frame_err(error)
    );
${ledLines.join('\n')}
${nLeds < 3 ? `    wire unused_status = &{1'b0, ${roles.slice(nLeds).join(', ')}};\n` : ''}endmodule
`;
  // pll_ice40_cells declares the PLL primitives for yosys runs without the iCE40 library (RTL checks)
  const pllSources = pll ? [template('pll_ice40_cells.v'), template('pll_ice40.v')] : [];
  const sources = [...proto.sources.slice(0, -1), ...pllSources, proto.sources[proto.sources.length - 1], { name: `${BOARD_TOP_MODULE}.v`, text }];
  const pcf = pcfFor(board, {
    clk: 'clk',
    uart_rx: 'uart_rx',
    uart_tx: 'uart_tx',
    leds: Array.from({ length: nLeds }, (_, i) => `led[${i}]`),
  });
  const flowBoard: Board = { ...board, clock: { ...board.clock, mhz: clock.mhz } };
  return { sources, top: BOARD_TOP_MODULE, pcf, clksPerBit, leds: roles.slice(0, nLeds), clock, flowBoard };
}

/** The same as boardDesign with a target clock (kept as a separate name for callers that prefer it). */
export const boardDesignWithClock = (rtl: LayerRtl, board: Board, targetMHz?: number): BoardDesign => boardDesign(rtl, board, targetMHz);
