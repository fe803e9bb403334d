// bcirc_loader: writes the spectra of a block-circulant layer into its
// weight memory at run time, through the config port. Needed when the
// spectra sit in SPRAM (SB_SPRAM256KA, UltraPlus), which a bitstream cannot
// initialise (src/layers/block-circulant/rtl.ts; the host's word order comes
// from bcircLoadWords() there).
//
//   cfg_addr 0: restart at the first word (any data)
//   cfg_addr 1: write cfg_data[WORD_W-1:0] as the next word, then advance
//   cfg_addr 2, 3: ignored
//
// Word order: for each group g, for each lane l (P lanes, the padded lanes of
// the last group included, as zeros), the B*Q words of output block g*P + l
// in memory order: address (g*B + f)*Q + j, f = 0..B-1, j = 0..Q-1. Each
// word is {im, re} of FFT(w_ij)[f]. Load only while the layer is idle.
module bcirc_loader #(
    parameter integer P      = 1,    // lanes
    parameter integer LANE_W = 1,
    parameter integer WA_W   = 15,   // weight address bits
    parameter integer BLOCK  = 441,  // words per lane per group: B*Q
    parameter integer WORD_W = 16,
    parameter integer CFG_W  = 16
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              cfg_we,
    input  wire [1:0]        cfg_addr,
    input  wire [CFG_W-1:0]  cfg_data,
    output wire [P-1:0]      ld_we,     // one-hot: the lane written this cycle
    output wire [WA_W-1:0]   ld_addr,
    output wire [WORD_W-1:0] ld_data
);
    localparam integer BLK1_I = BLOCK - 1;
    localparam integer P1_I   = P - 1;
    localparam [WA_W-1:0]   OFF_LAST  = BLK1_I[WA_W-1:0];
    localparam [LANE_W-1:0] LANE_LAST = P1_I[LANE_W-1:0];

    reg [WA_W-1:0]   base;    // first address of the current group's blocks
    reg [WA_W-1:0]   off;     // word within the block
    reg [LANE_W-1:0] lane;
    wire wr      = cfg_we & (cfg_addr == 2'd1);
    wire restart = cfg_we & (cfg_addr == 2'd0);

    always @(posedge clk) begin
        if (rst | restart) begin
            base <= {WA_W{1'b0}};
            off  <= {WA_W{1'b0}};
            lane <= {LANE_W{1'b0}};
        end else if (wr) begin
            if (off == OFF_LAST) begin
                off <= {WA_W{1'b0}};
                if (lane == LANE_LAST) begin
                    lane <= {LANE_W{1'b0}};
                    base <= base + OFF_LAST + 1'b1;
                end else begin
                    lane <= lane + 1'b1;
                end
            end else begin
                off <= off + 1'b1;
            end
        end
    end

    genvar l;
    generate
        for (l = 0; l < P; l = l + 1) begin : g_we
            localparam [LANE_W-1:0] LID = l;
            assign ld_we[l] = wr & (lane == LID);
        end
    endgenerate
    assign ld_addr = base + off;
    assign ld_data = cfg_data[WORD_W-1:0];

    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, cfg_data};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
