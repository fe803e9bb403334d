// argmax_layer: index and value of the largest of N elements (the first one
// on ties), as one output beat of two lanes: lane 0 the index, lane 1 the
// value, each O_W bits (the value sign-extended).
//
// Schedule: elements are compared as they arrive, one per beat; the beat
// holding the result is valid the cycle after the last element and the next
// vector is taken once it has been read (s_ready = ~m_valid).
module argmax_layer #(
    parameter N     = 10,
    parameter X_W   = 8,
    parameter IDX_W = 4,
    parameter CNT_W = 4,
    parameter O_W   = 8
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             s_valid,
    output wire             s_ready,
    input  wire [X_W-1:0]   s_data,
    input  wire             s_last,
    output wire             m_valid,
    input  wire             m_ready,
    output wire [2*O_W-1:0] m_data,
    output wire [1:0]       m_keep,
    output wire             m_last,
    output wire             ovf
);
    localparam integer LAST_I = N - 1;
    localparam [CNT_W-1:0] LAST = LAST_I[CNT_W-1:0];

    reg  [CNT_W-1:0]      count;
    reg  signed [X_W-1:0] best;
    reg  [IDX_W-1:0]      best_idx;
    reg                   o_valid;
    reg  [2*O_W-1:0]      o_data;

    wire fire = s_valid & ~o_valid;
    wire signed [X_W-1:0] x = s_data;
    // the running best including this element (strictly greater wins: first on ties)
    wire take = (count == {CNT_W{1'b0}}) || (x > best);
    wire signed [X_W-1:0] new_best = take ? x : best;
    wire [IDX_W-1:0]      new_idx  = take ? {{(IDX_W - CNT_W){1'b0}}, count} : best_idx;  // IDX_W > CNT_W: a sign bit

    always @(posedge clk) begin
        if (rst) begin
            count   <= {CNT_W{1'b0}};
            o_valid <= 1'b0;
        end else begin
            if (fire) begin
                best     <= new_best;
                best_idx <= new_idx;
                if (count == LAST) begin
                    count   <= {CNT_W{1'b0}};
                    o_valid <= 1'b1;
                    o_data  <= {{(O_W - X_W){new_best[X_W-1]}}, new_best, {(O_W - IDX_W){1'b0}}, new_idx};
                end else begin
                    count <= count + 1'b1;
                end
            end
            if (o_valid && m_ready) o_valid <= 1'b0;
        end
    end
    assign s_ready = ~o_valid;
    assign m_valid = o_valid;
    assign m_data  = o_data;
    assign m_keep  = 2'b11;
    assign m_last  = 1'b1;
    assign ovf     = 1'b0;
    wire unused_ok = &{1'b0, s_last};
endmodule
