// circa UART harness: plays the host on the other end of the serial line.
// It drives uart_rx bit by bit, decodes uart_tx by sampling in the middle of
// each bit, and records what came back. It stays dumb: the TypeScript side
// (src/sim/uart.ts) writes the bytes to send and checks what was received.
//
// Design ports: clk, rst, uart_rx, uart_tx, busy, ovf, frame_err, reached
// through a simulator adapter (dut_verilator.h, or dut_cxxrtl.h with
// -DCIRCA_CXXRTL) like the stream harness.
// Compile-time define: CLKS_PER_BIT (clock cycles per bit, same as the design).
//
// Two modes.
//
// Scripted: harness <in.txt> <out.txt> <max_cycles> <wait_idle>
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
//
// Interactive: harness -i <max_cycles_per_command>
// A host program talks to the simulated device over stdin / stdout, one
// command per line; the harness reads the next command only when the device
// has gone quiet, so simulated time never runs while the host is thinking
// (the device sees back-to-back frames, or idle line, exactly as sent).
//   stdin:  "s <hex> <hex> ..."  queue bytes on uart_rx (8N1, back to back)
//           "e <hex>"            queue one byte with a low stop bit, then two
//                                bit times of idle line
//           "w <cycles>"         run this many cycles now (e.g. to let a
//                                device timeout expire)
//           "q"                  print the summary line and exit
//   stdout: "r <cycle> <hex>"    per byte decoded from uart_tx
//           "x <cycle>"          that byte had a low stop bit
//           "i <cycle>"          after each command: every queued bit was
//                                sent, busy is low, uart_tx is idle, and all
//                                of that has held for QUIET_BITS bit times
//           "end <cycles> <frame_err> <ovf> <busy>"   after "q"
// Exit code 3 with a message on stderr when one command runs more than
// max_cycles_per_command cycles without the device going quiet.
#ifdef CIRCA_CXXRTL
#include "dut_cxxrtl.h"
#else
#include "dut_verilator.h"
#endif
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifndef CLKS_PER_BIT
#error "define CLKS_PER_BIT"
#endif
// the design, through the simulator adapter (one per process: one mode runs)
static Dut dut;
#define CLK PORT(clk, p_clk)
#define RST PORT(rst, p_rst)
#define UART_RX PORT(uart_rx, p_uart__rx)
#define UART_TX PORT(uart_tx, p_uart__tx)
#define BUSY PORT(busy, p_busy)
#define FRAME_ERR PORT(frame_err, p_frame__err)
#define OVF PORT(ovf, p_ovf)

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

// Append one 8N1 frame (one level per bit time) to a line waveform.
static void appendFrame(std::vector<uint8_t>& wave, unsigned v, bool badStop) {
  wave.push_back(0);                                  // start bit
  for (int b = 0; b < 8; b++) wave.push_back((v >> b) & 1);
  wave.push_back(badStop ? 0 : 1);                    // stop bit
  if (badStop) { wave.push_back(1); wave.push_back(1); }  // let the receiver see idle again
}

static const uint64_t QUIET_BITS = 3;

static int interactive(uint64_t maxCyclesPerCommand) {
  setU(CLK, 0); setU(RST, 1); setU(UART_RX, 1);
  for (int i = 0; i < 4; i++) { setU(CLK, 0); dut.eval(); setU(CLK, 1); dut.eval(); }
  setU(RST, 0);

  std::vector<uint8_t> wave;  // line levels still to send, one per bit time
  size_t bitPos = 0;          // bit of `wave` on the line
  uint64_t bitCnt = 0;        // cycles of that bit done
  LineDecoder dec;
  uint64_t cycle = 0;

  auto step = [&]() {
    int level = 1;
    if (bitPos < wave.size()) {
      level = wave[bitPos];
      if (++bitCnt == kClks) { bitCnt = 0; bitPos++; }
      if (bitPos == wave.size()) { wave.clear(); bitPos = 0; }
    }
    setU(UART_RX, level);
    setU(CLK, 0);
    dut.eval();
    setU(CLK, 1);
    dut.eval();
    cycle++;
    dec.step(getU(UART_TX));
    if (dec.gotByte) {
      printf("r %llu %02x\n", (unsigned long long)cycle, dec.byte);
      if (dec.badStop) printf("x %llu\n", (unsigned long long)cycle);
    }
  };
  // Run until nothing is queued, the device is not busy and its line is idle, for QUIET_BITS bit times.
  auto runUntilQuiet = [&]() -> bool {
    const uint64_t start = cycle;
    uint64_t quiet = 0;
    while (quiet < QUIET_BITS * kClks) {
      step();
      const bool active = !wave.empty() || getU(BUSY) || dec.inFrame() || !getU(UART_TX);
      quiet = active ? 0 : quiet + 1;
      if (cycle - start > maxCyclesPerCommand) {
        fprintf(stderr, "harness: the device did not go quiet within %llu cycles (busy=%d, frame_err=%d, ovf=%d)\n",
                (unsigned long long)maxCyclesPerCommand, (int)getU(BUSY), (int)getU(FRAME_ERR), (int)getU(OVF));
        return false;
      }
    }
    return true;
  };

  std::string line;
  int ch;
  for (;;) {
    line.clear();
    while ((ch = fgetc(stdin)) != EOF && ch != '\n') line.push_back((char)ch);
    if (ch == EOF && line.empty()) break;  // host went away: same as "q"
    if (line.empty()) continue;
    const char cmd = line[0];
    if (cmd == 'q') break;
    if (cmd == 's' || cmd == 'e') {
      const char* p = line.c_str() + 1;
      char* end = nullptr;
      for (;;) {
        unsigned long v = strtoul(p, &end, 16);
        if (end == p) break;
        appendFrame(wave, (unsigned)(v & 0xffu), cmd == 'e');
        p = end;
      }
    } else if (cmd == 'w') {
      const uint64_t n = strtoull(line.c_str() + 1, nullptr, 10);
      for (uint64_t k = 0; k < n; k++) step();
    } else {
      fprintf(stderr, "harness: unknown command '%s'\n", line.c_str());
      return 2;
    }
    if (!runUntilQuiet()) { fflush(stdout); return 3; }
    printf("i %llu\n", (unsigned long long)cycle);
    fflush(stdout);
  }
  printf("end %llu %d %d %d\n", (unsigned long long)cycle, (int)getU(FRAME_ERR), (int)getU(OVF), (int)getU(BUSY));
  fflush(stdout);
  dut.final();
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 2 && strcmp(argv[1], "-i") == 0) {
    return interactive(argc >= 3 ? strtoull(argv[2], nullptr, 10) : 100000000ull);
  }
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
    appendFrame(wave, v, bad);
    frameEnd.push_back(wave.size());
  }
  fclose(fin);

  setU(CLK, 0); setU(RST, 1); setU(UART_RX, 1);
  for (int i = 0; i < 4; i++) { setU(CLK, 0); dut.eval(); setU(CLK, 1); dut.eval(); }
  setU(RST, 0);

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
    setU(UART_RX, allSent ? 1 : wave[bit]);
    setU(CLK, 0);
    dut.eval();
    setU(CLK, 1);
    dut.eval();
    cycle++;

    // Observe the registered outputs after the edge.
    dec.step(getU(UART_TX));
    if (dec.gotByte) {
      fprintf(fout, "r %llu %02x\n", (unsigned long long)cycle, dec.byte);
      if (dec.badStop) fprintf(fout, "x %llu\n", (unsigned long long)cycle);
      got++;
    }
    if ((int)getU(BUSY) != lastBusy) {
      lastBusy = getU(BUSY);
      fprintf(fout, "b %llu %d\n", (unsigned long long)cycle, lastBusy);
    }

    const bool workDone = allSent && got >= nExpect && (!waitIdle || !getU(BUSY)) && !dec.inFrame();
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
              (unsigned long long)cycle, sent, nSend, got, nExpect, (int)getU(BUSY), (int)getU(FRAME_ERR), (int)getU(OVF),
              (allSent && got >= nExpect && getU(BUSY)) ? " (every byte came back but busy stayed high)" : "");
      fclose(fout);
      return 3;
    }
  }
  fprintf(fout, "end %llu %d %d %d\n", (unsigned long long)cycle, (int)getU(FRAME_ERR), (int)getU(OVF), (int)getU(BUSY));
  fclose(fout);
  dut.final();
  return 0;
}
