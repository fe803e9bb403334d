// vector_gate: passes a stream of N-element vectors, but lets a new vector
// start only when `start_ok` is high. Once a vector has started, its elements
// pass freely until the N-th. Combinational on valid/ready (no added cycle).
module vector_gate #(
    parameter N     = 16,
    parameter CNT_W = 5
) (
    input  wire clk,
    input  wire rst,
    input  wire start_ok,
    input  wire up_valid,
    output wire up_ready,
    output wire dn_valid,
    input  wire dn_ready,
    output wire active
);
    localparam integer LAST_I = N - 1;
    localparam [CNT_W-1:0] LAST = LAST_I[CNT_W-1:0];
    reg             mid;     // inside a vector
    reg [CNT_W-1:0] count;
    wire allow = mid | start_ok;
    wire fire  = up_valid & dn_ready & allow;
    always @(posedge clk) begin
        if (rst) begin
            mid   <= 1'b0;
            count <= {CNT_W{1'b0}};
        end else if (fire) begin
            if (count == LAST) begin
                mid   <= 1'b0;
                count <= {CNT_W{1'b0}};
            end else begin
                mid   <= 1'b1;
                count <= count + 1'b1;
            end
        end
    end
    assign dn_valid = up_valid & allow;
    assign up_ready = dn_ready & allow;
    assign active   = mid;
endmodule
