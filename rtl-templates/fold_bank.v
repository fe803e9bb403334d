// fold_bank: one data bank of the folded FFT engine (src/fft/folded-rtl.ts):
// 2^AW words of LANES complex samples (LW bits each), one write port with a
// write enable per lane (the loader writes one sample, a pass whole words)
// and one registered read port. yosys maps it onto iCE40 EBR (SB_RAM40_4K).
module fold_bank #(
    parameter integer LANES = 1,
    parameter integer LW    = 32,
    parameter integer AW    = 9
) (
    input  wire                  clk,
    input  wire [LANES-1:0]      we,
    input  wire [AW-1:0]         waddr,
    input  wire [LANES*LW-1:0]   wdata,
    input  wire [AW-1:0]         raddr,
    output reg  [LANES*LW-1:0]   q
);
    reg [LANES*LW-1:0] mem [0:(1<<AW)-1];
    integer l;
    always @(posedge clk) begin
        for (l = 0; l < LANES; l = l + 1)
            if (we[l]) mem[waddr][l*LW +: LW] <= wdata[l*LW +: LW];
        q <= mem[raddr];
    end
endmodule
