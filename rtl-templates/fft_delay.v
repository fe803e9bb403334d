// fft_delay: the feedback delay line of one single-path delay feedback (SDF)
// butterfly. A fixed delay of DELAY = 2^LOG2_DELAY advances: `dout` is the
// word that was on `din` DELAY advances (cycles with en = 1) ago. Nothing
// moves while en = 0, so the pipeline's clock enable stalls it cleanly.
//
// USE_RAM = 0: a shift register of flip-flops (for short lines).
// USE_RAM = 1: a circular buffer in a memory that yosys maps to iCE40 EBR:
//   DELAY words, written at wp and read (synchronously, into the read
//   register rd_q, which is the EBR's own output register) at wp + 1. The word
//   at wp + 1 was written DELAY - 1 advances ago and sits in rd_q for one more
//   advance, so dout is DELAY advances old. Read and write addresses always
//   differ, so read-during-write behaviour does not matter. The array and
//   rd_q have no reset (EBR contents cannot be reset); only the pointer does.
//   Needs DELAY >= 2.
//
// No reset on the data: the butterfly's `pending` count knows which words
// hold real samples.
module fft_delay #(
    parameter integer W          = 32,
    parameter integer LOG2_DELAY = 5,
    parameter integer USE_RAM    = 1
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         en,
    input  wire [W-1:0] din,
    output wire [W-1:0] dout
);
    localparam integer DELAY = 1 << LOG2_DELAY;

    generate
        if (USE_RAM != 0) begin : g_ram
            reg [W-1:0]            mem [0:DELAY-1];
            reg [W-1:0]            rd_q;
            reg [LOG2_DELAY-1:0]   wp;
            wire [LOG2_DELAY-1:0]  rp = wp + 1'b1;

            always @(posedge clk) begin
                if (rst) wp <= {LOG2_DELAY{1'b0}};
                else if (en) wp <= rp;
            end
            always @(posedge clk) begin
                if (en) begin
                    mem[wp] <= din;
                    rd_q    <= mem[rp];
                end
            end
            assign dout = rd_q;
            // rst is used by the pointer only
        end else if (DELAY == 1) begin : g_reg
            reg [W-1:0] q;
            always @(posedge clk) begin
                if (en) q <= din;
            end
            assign dout = q;
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_rst = rst;
            /* verilator lint_on UNUSEDSIGNAL */
        end else begin : g_shift
            reg [W*DELAY-1:0] sr;
            always @(posedge clk) begin
                if (en) sr <= {sr[W*(DELAY-1)-1:0], din};
            end
            assign dout = sr[W*DELAY-1:W*(DELAY-1)];
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_rst = rst;
            /* verilator lint_on UNUSEDSIGNAL */
        end
    endgenerate
endmodule
