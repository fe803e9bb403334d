// dense_loader: writes the weights of a dense layer into its weight memory at
// run time, through the config port. Needed when the weights sit in SPRAM
// (SB_SPRAM256KA, UltraPlus), which a bitstream cannot initialise
// (src/layers/dense/rtl.ts; the host's word order comes from denseLoadWords()
// there, src/layers/dense/registers.ts is the model of this module).
//
//   cfg_addr 0: restart at word 0 (any data)
//   cfg_addr 1: write cfg_data[WORD_W-1:0] as the next word, then advance
//   cfg_addr 2, 3: ignored
//
// Word order: the weight memory's own. Word g*N + k holds W[g*P + j][k] in
// lane j (bits [j*W_W +: W_W]; zero for the padded rows of the last group).
// The word pointer wraps at 2^WA_W; a word written past the last one
// (GROUPS*N - 1) lands where the layer never reads. Load only while the
// layer is idle: a write takes the memory's single port.
module dense_loader #(
    parameter integer WA_W   = 8,    // weight address bits
    parameter integer WORD_W = 16,   // weight word: P lanes of W_W bits
    parameter integer CFG_W  = 16    // config data width (>= WORD_W)
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              cfg_we,
    input  wire [1:0]        cfg_addr,
    input  wire [CFG_W-1:0]  cfg_data,
    output wire              ld_we,     // write ld_data at ld_addr this cycle
    output wire [WA_W-1:0]   ld_addr,
    output wire [WORD_W-1:0] ld_data
);
    reg  [WA_W-1:0] ptr;      // the next word's address
    wire wr      = cfg_we & (cfg_addr == 2'd1);
    wire restart = cfg_we & (cfg_addr == 2'd0);

    always @(posedge clk) begin
        if (rst | restart) ptr <= {WA_W{1'b0}};
        else if (wr)       ptr <= ptr + 1'b1;
    end

    assign ld_we   = wr;
    assign ld_addr = ptr;
    assign ld_data = cfg_data[WORD_W-1:0];

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, cfg_data};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
