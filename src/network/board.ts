/**
 * The board top: a streamed design behind the UART bridge, with a power-on
 * reset and status LEDs at the board's polarity.
 *
 *   LED 0: busy (a vector is in flight)   LED 1: overflow (sticky)
 *   LED 2: UART frame error / overrun (sticky), when the board has a third LED
 */
import { CircaInputError } from '../errors.ts';
import { pcfFor, type Board } from '../flow/boards.ts';
import type { LayerRtl } from '../layers/types.ts';
import { header, type SourceFile } from '../verilog/index.ts';
import { emitUartTop, templatesForUart, UART_TOP_MODULE } from './uart.ts';

export const BOARD_TOP_MODULE = 'circa_board_top';
export const BAUD = 115200;

export interface BoardDesign {
  sources: SourceFile[];
  top: string;
  pcf: string;
  clksPerBit: number;
  /** what each LED shows */
  leds: string[];
}

/** UART top around a layer's generated top, config ports tied off. */
export function uartTopFor(rtl: LayerRtl, clksPerBit: number): SourceFile {
  const extraPorts: Record<string, string> = {};
  const decls: string[] = [];
  const sinks: string[] = [];
  for (const p of rtl.extraPorts) {
    if (p.dir === 'input') {
      extraPorts[p.name] = `{${p.width}{1'b0}}`;
    } else {
      const w = `layer_${p.name}`;
      decls.push(`wire [${p.width - 1}:0] ${w};  // not used on the board`);
      extraPorts[p.name] = w;
      sinks.push(w);
    }
  }
  if (sinks.length) decls.push(`wire unused_layer_outputs = &{1'b0, ${sinks.join(', ')}};`);
  return emitUartTop({
    layerModule: rtl.top,
    layerParams: {},
    inLanes: rtl.io.inLanes,
    inWidth: rtl.io.inWidth,
    inBeats: rtl.io.inBeats,
    outLanes: rtl.io.outLanes,
    outWidth: rtl.io.outWidth,
    clksPerBit,
    layerExtraPorts: extraPorts,
    layerExtraDecls: decls,
  });
}

export function boardDesign(rtl: LayerRtl, board: Board): BoardDesign {
  if (!board.uart) {
    throw new CircaInputError(
      `board ${board.name} has no UART (${board.notes ?? 'no serial pins'}); circa's board top talks to the host over a UART. ` +
        'Choose a board with one (icebreaker, icestick, hx8k-breakout, icesugar, upduino-v3).',
    );
  }
  const clksPerBit = Math.round((board.clock.mhz * 1e6) / BAUD);
  const uartTop = uartTopFor(rtl, clksPerBit);
  const roles = ['busy', 'ovf', 'frame_err'];
  const nLeds = Math.min(board.leds.length, roles.length);
  const ledLines: string[] = [];
  for (let i = 0; i < nLeds; i++) {
    const led = board.leds[i];
    ledLines.push(`    assign led[${i}] = ${led.activeLow ? '~' : ''}${roles[i]};   // ${led.name}: ${roles[i]}${led.activeLow ? ' (active low)' : ''}`);
  }
  const ledPort = nLeds > 0 ? `,\n    output wire [${nLeds - 1}:0] led` : '';
  const text = `${header(`${BOARD_TOP_MODULE}: ${rtl.top} on ${board.title}`, {
    board: board.name,
    part: `${board.part} ${board.package}`,
    clock: `${board.clock.mhz} MHz on pin ${board.clock.pin}`,
    uart: `${BAUD} baud 8N1, ${clksPerBit} clocks per bit, rx ${board.uart.rx}, tx ${board.uart.tx}`,
    layer: rtl.top,
  }, [
    'Power-on reset: iCE40 flip-flops configure to zero, so the counter below',
    'starts at zero and holds reset for 16 cycles. Its initialiser is the one',
    'deliberate initial value outside ROM contents (it states the configured value).',
  ])}
module ${BOARD_TOP_MODULE} (
    input  wire clk,
    input  wire uart_rx,
    output wire uart_tx${ledPort}
);
    reg  [4:0] por_count = 5'd0;
    wire       rst = ~por_count[4];
    always @(posedge clk) begin
        if (!por_count[4]) por_count <= por_count + 5'd1;
    end

    wire busy, ovf, frame_err;
    ${UART_TOP_MODULE} u_uart_top (
        .clk      (clk),
        .rst      (rst),
        .uart_rx  (uart_rx),
        .uart_tx  (uart_tx),
        .busy     (busy),
        .ovf      (ovf),
        .frame_err(frame_err)
    );
${ledLines.join('\n')}
${nLeds < 3 ? `    wire unused_status = &{1'b0, ${roles.slice(nLeds).join(', ')}};\n` : ''}endmodule
`;
  const sources = [...rtl.sources, ...templatesForUart(), uartTop, { name: `${BOARD_TOP_MODULE}.v`, text }];
  const pcf = pcfFor(board, {
    clk: 'clk',
    uart_rx: 'uart_rx',
    uart_tx: 'uart_tx',
    leds: Array.from({ length: nLeds }, (_, i) => `led[${i}]`),
  });
  return { sources, top: BOARD_TOP_MODULE, pcf, clksPerBit, leds: roles.slice(0, nLeds) };
}
