// fft_skid: a two-word output buffer that takes the downstream ready off the
// pipeline's global enable. in_ready depends on this buffer's own count only
// (a register bit), never combinationally on out_ready, so m_ready does not
// fan out to every clock enable of the FFT. With out_ready always high it
// holds one word and passes one word per cycle (one cycle of latency); when
// out_ready drops it absorbs the word the pipeline produced in that cycle.
//
//   in_ready = count < 2: there is room for one more word whatever the reader does.
module fft_skid #(
    parameter integer W = 32
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         in_valid,
    output wire         in_ready,
    input  wire [W-1:0] in_data,
    output wire         out_valid,
    input  wire         out_ready,
    output wire [W-1:0] out_data
);
    reg [W-1:0] head;    // the word on the output
    reg [W-1:0] second;  // the word behind it (count = 2)
    reg [1:0]   count;   // 0, 1 or 2 words held

    assign in_ready  = ~count[1];
    assign out_valid = |count;
    assign out_data  = head;

    wire push = in_valid & ~count[1];
    wire pop  = out_valid & out_ready;

    always @(posedge clk) begin
        // head: refilled from `second` or the input when it leaves, or filled when empty
        if (pop) head <= (count == 2'd2) ? second : in_data;
        else if (count == 2'd0) head <= in_data;
        // second: written when a word arrives behind a head that stays
        // (push needs count < 2, so count = 2 never pushes)
        if (push & (count == 2'd1) & ~pop) second <= in_data;
    end

    always @(posedge clk) begin
        if (rst) count <= 2'd0;
        else count <= count + {1'b0, push} - {1'b0, pop};
    end
endmodule
