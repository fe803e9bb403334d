// fft_bitrev: a streaming bit-reversal reorder buffer for blocks of
// N = 2^LOG2_N words: output word j of a block is input word bitrev(j).
// Used after a forward FFT for natural-order output, or before an inverse FFT
// for natural-order input.
//
// Two banks of N words (ping-pong) in one memory that yosys maps to EBR:
// the writer fills one bank in natural order while the reader empties the
// other in bit-reversed order. A bank is `full` from its last write to its
// last read. The read is synchronous: rd_q is the memory's output register
// and holds the output word, so the reader issues a read only when rd_q is
// empty or being taken this cycle; with en = 0 on the read port the EBR keeps
// its output, so backpressure never loses a word.
//
// Throughput one word per cycle; latency: the first word of a block leaves
// two cycles after its last word arrived (N + 1 cycles after its first).
module fft_bitrev #(
    parameter integer W      = 32,
    parameter integer LOG2_N = 6
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         in_valid,
    output wire         in_ready,
    input  wire [W-1:0] in_data,
    output wire         out_valid,
    input  wire         out_ready,
    output wire [W-1:0] out_data,
    output wire         out_last
);
    localparam integer N = 1 << LOG2_N;

    reg [W-1:0]        mem [0:2*N-1];
    reg                wr_bank, rd_bank;
    reg [1:0]          full;
    reg [LOG2_N-1:0]   wr_cnt, rd_cnt;
    reg [W-1:0]        rd_q;
    reg                q_valid, q_last;

    // bit-reversed read position
    wire [LOG2_N-1:0] rd_rev;
    genvar i;
    generate
        for (i = 0; i < LOG2_N; i = i + 1) begin : g_rev
            assign rd_rev[i] = rd_cnt[LOG2_N-1-i];
        end
    endgenerate

    assign in_ready = ~full[wr_bank];
    wire wr      = in_valid & in_ready;
    wire wr_last = wr & (&wr_cnt);
    wire rd      = full[rd_bank] & (~q_valid | out_ready);
    wire rd_last = rd & (&rd_cnt);

    always @(posedge clk) begin
        if (wr) mem[{wr_bank, wr_cnt}] <= in_data;
        if (rd) rd_q <= mem[{rd_bank, rd_rev}];
    end

    always @(posedge clk) begin
        if (rst) begin
            wr_bank <= 1'b0;
            rd_bank <= 1'b0;
            full    <= 2'b00;
            wr_cnt  <= {LOG2_N{1'b0}};
            rd_cnt  <= {LOG2_N{1'b0}};
            q_valid <= 1'b0;
            q_last  <= 1'b0;
        end else begin
            if (wr) begin
                wr_cnt <= wr_cnt + 1'b1;
                if (wr_last) wr_bank <= ~wr_bank;
            end
            if (rd) begin
                rd_cnt <= rd_cnt + 1'b1;
                q_last <= &rd_cnt;
                if (rd_last) rd_bank <= ~rd_bank;
            end
            // The writer fills a bank only while it is not full and the reader
            // empties only a full bank, so the two never touch the same flag.
            full[0] <= (full[0] | (wr_last & ~wr_bank)) & ~(rd_last & ~rd_bank);
            full[1] <= (full[1] | (wr_last &  wr_bank)) & ~(rd_last &  rd_bank);
            if (rd) q_valid <= 1'b1;
            else if (out_ready) q_valid <= 1'b0;
        end
    end

    assign out_valid = q_valid;
    assign out_data  = rd_q;
    assign out_last  = q_last;
endmodule
