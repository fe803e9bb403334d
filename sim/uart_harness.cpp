// circa UART harness: plays the host on the other end of the serial line.
// It drives uart_rx bit by bit, decodes uart_tx by sampling in the middle of
// each bit, and records what came back. It stays dumb: the TypeScript side
// (src/sim/uart.ts) writes the bytes to send and checks what was received.
//
// Design ports: clk, rst, uart_rx, uart_tx, busy, ovf, frame_err.
// Compile-time define: CLKS_PER_BIT (clock cycles per bit, same as the design).
//
// usage: harness <in.txt> <out.txt> <max_cycles> <wait_idle>
// in.txt:  "<n_send> <n_expect>" then n_send tokens, each a byte in hex; a
//          token ending in '!' is sent with a low stop bit (a framing error)
//          followed by two bit times of idle line.
// out.txt: "r <cycle> <hex>"   per byte decoded from uart_tx (at its stop bit),
//          "x <cycle>"         when a byte on uart_tx had a low stop bit,
//          "b <cycle> <0|1>"   whenever busy changes,
//          "end <cycles> <frame_err> <ovf> <busy>" at the end.
// The run ends once every byte was sent, n_expect bytes came back, busy is low
// (if wait_idle is 1), and the line then stayed quiet for two frame times (so
// unexpected extra bytes are caught). Exit code 3 with a message on timeout.
#include "Vdut.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#ifndef CLKS_PER_BIT
#error "define CLKS_PER_BIT"
#endif
static const uint64_t kClks = CLKS_PER_BIT;

// Decoder of the design's transmit line, one call per clock cycle.
struct LineDecoder {
  enum State { IDLE, START, DATA, STOP, BREAK } st = IDLE;
  uint64_t cnt = 0;
  int bits = 0;
  uint32_t value = 0;
  // result of the last call
  bool gotByte = false, badStop = false;
  uint8_t byte = 0;

  bool inFrame() const { return st != IDLE; }

  void step(int line) {
    gotByte = badStop = false;
    switch (st) {
      case IDLE:
        if (!line) { st = START; cnt = 1; }  // this is the first cycle of the start bit
        break;
      case START:
        if (++cnt == kClks / 2 + 1) {  // the middle of the start bit
          if (line) st = IDLE;            // a glitch, not a start bit
          else { st = DATA; cnt = 0; bits = 0; value = 0; }
        }
        break;
      case DATA:
        if (++cnt == kClks) {
          cnt = 0;
          value |= (uint32_t)(line & 1) << bits;
          if (++bits == 8) st = STOP;
        }
        break;
      case STOP:
        if (++cnt == kClks) {
          gotByte = true;
          byte = (uint8_t)value;
          badStop = !line;
          st = line ? IDLE : BREAK;
        }
        break;
      case BREAK:
        if (line) st = IDLE;
        break;
    }
  }
};

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s in.txt out.txt max_cycles wait_idle\n", argv[0]);
    return 2;
  }
  FILE* fin = fopen(argv[1], "r");
  FILE* fout = fopen(argv[2], "w");
  if (!fin || !fout) { fprintf(stderr, "harness: cannot open files\n"); return 2; }
  const uint64_t maxCycles = strtoull(argv[3], nullptr, 10);
  const bool waitIdle = atoi(argv[4]) != 0;

  long nSend, nExpect;
  if (fscanf(fin, "%ld %ld", &nSend, &nExpect) != 2) { fprintf(stderr, "harness: bad header\n"); return 2; }

  // The whole line waveform the host drives, one level per bit time: two bit
  // times of idle, then the frames back to back. frameEnd[i] is the bit index
  // just after byte i (and its idle tail, if any).
  std::vector<uint8_t> wave(2, 1);
  std::vector<size_t> frameEnd;
  char tok[64];
  for (long i = 0; i < nSend; i++) {
    if (fscanf(fin, "%63s", tok) != 1) { fprintf(stderr, "harness: short input\n"); return 2; }
    size_t len = strlen(tok);
    bool bad = len > 0 && tok[len - 1] == '!';
    if (bad) tok[len - 1] = 0;
    unsigned v = (unsigned)strtoul(tok, nullptr, 16) & 0xffu;
    wave.push_back(0);                                  // start bit
    for (int b = 0; b < 8; b++) wave.push_back((v >> b) & 1);
    wave.push_back(bad ? 0 : 1);                        // stop bit
    if (bad) { wave.push_back(1); wave.push_back(1); }  // let the receiver see idle again
    frameEnd.push_back(wave.size());
  }
  fclose(fin);

  VerilatedContext ctx;
  Vdut dut(&ctx);
  dut.clk = 0; dut.rst = 1; dut.uart_rx = 1;
  for (int i = 0; i < 4; i++) { dut.clk = 0; dut.eval(); dut.clk = 1; dut.eval(); }
  dut.rst = 0;

  LineDecoder dec;
  long got = 0;
  int lastBusy = 0;
  uint64_t cycle = 0;
  uint64_t quietSince = 0;  // first cycle of the current quiet stretch after the work is done
  bool quiet = false;
  const uint64_t quietCycles = 20 * kClks;

  for (;;) {
    const uint64_t bit = cycle / kClks;
    const bool allSent = bit >= wave.size();
    // Host drives its line before the rising edge.
    dut.uart_rx = allSent ? 1 : wave[bit];
    dut.clk = 0;
    dut.eval();
    dut.clk = 1;
    dut.eval();
    cycle++;

    // Observe the registered outputs after the edge.
    dec.step(dut.uart_tx);
    if (dec.gotByte) {
      fprintf(fout, "r %llu %02x\n", (unsigned long long)cycle, dec.byte);
      if (dec.badStop) fprintf(fout, "x %llu\n", (unsigned long long)cycle);
      got++;
    }
    if ((int)dut.busy != lastBusy) {
      lastBusy = dut.busy;
      fprintf(fout, "b %llu %d\n", (unsigned long long)cycle, lastBusy);
    }

    const bool workDone = allSent && got >= nExpect && (!waitIdle || !dut.busy) && !dec.inFrame();
    if (workDone) {
      if (!quiet) { quiet = true; quietSince = cycle; }
      if (cycle - quietSince >= quietCycles) break;
    } else {
      quiet = false;
    }

    if (cycle >= maxCycles) {
      long sent = 0;
      while (sent < (long)frameEnd.size() && frameEnd[sent] <= bit) sent++;
      fprintf(stderr,
              "harness: timeout after %llu cycles: %ld/%ld bytes sent, %ld/%ld bytes received, busy=%d, "
              "frame_err=%d, ovf=%d%s\n",
              (unsigned long long)cycle, sent, nSend, got, nExpect, (int)dut.busy, (int)dut.frame_err, (int)dut.ovf,
              (allSent && got >= nExpect && dut.busy) ? " (every byte came back but busy stayed high)" : "");
      fclose(fout);
      return 3;
    }
  }
  fprintf(fout, "end %llu %d %d %d\n", (unsigned long long)cycle, (int)dut.frame_err, (int)dut.ovf, (int)dut.busy);
  fclose(fout);
  dut.final();
  return 0;
}
