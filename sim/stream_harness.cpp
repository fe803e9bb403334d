// circa stream harness: drives a valid/ready/data/last stream into the design
// under test and records every output beat with its cycle stamp. It stays dumb:
// the TypeScript side (src/sim/) writes the vectors, reads the records and
// compares them against the reference model.
//
// Design ports (fixed convention, see src/sim/stream.ts):
//   clk, rst, s_valid, s_ready, s_data[IN_LANES*IN_W], s_last,
//   m_valid, m_ready, m_data[OUT_LANES*OUT_W], m_keep[OUT_LANES], m_last, ovf
// Compile-time defines: IN_LANES, IN_W, OUT_LANES, OUT_W.
//
// The design is reached through a simulator adapter (dut_verilator.h or
// dut_cxxrtl.h, chosen with -DCIRCA_CXXRTL): the same source runs on both back
// ends, so both see the same stalls and write the same records.
//
// usage: harness <in.txt> <out.txt> <seed> <valid_pct> <ready_pct> <max_cycles> [<trace_vector> <out.vcd>]
// With the trace arguments (builds with -DTRACE=1 only) the harness writes a
// VCD from the cycle vector trace_vector is first offered until its last
// output beat is taken; time is 10 units per cycle, the rising edge of cycle c
// at 10*c + 5.
// in.txt:  "<nvec> <in_beats_per_vec> <out_beats_per_vec>" then one line per vector
//          of in_beats hex words (each IN_LANES*IN_W bits).
// out.txt: "v <k> <cycle>" at the first input beat of vector k,
//          "o <cycle> <last> <keep hex> <lane0 hex> ..." per output beat,
//          "end <cycles> <ovf>" at the end.
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

#ifndef IN_LANES
#define IN_LANES 1
#endif
static const int kInBits = IN_LANES * IN_W;
static const int kOutBits = OUT_LANES * OUT_W;

static Words parseHex(const char* s, int bits) {
  Words w((bits + 31) / 32, 0);
  int len = (int)strlen(s);
  for (int i = 0; i < len; i++) {
    char c = s[len - 1 - i];
    uint32_t d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
    int bit = i * 4;
    if (bit / 32 < (int)w.size()) w[bit / 32] |= d << (bit % 32);
  }
  return w;
}

static void putField(FILE* f, const Words& w, int lo, int bits) {
  // print bits [lo, lo+bits) as hex, most significant digit first
  int digits = (bits + 3) / 4;
  char buf[64];
  std::string out;
  for (int d = digits - 1; d >= 0; d--) {
    uint32_t nib = 0;
    for (int b = 0; b < 4; b++) {
      int bit = lo + d * 4 + b;
      if (d * 4 + b >= bits) break;
      nib |= ((w[bit / 32] >> (bit % 32)) & 1u) << b;
    }
    snprintf(buf, sizeof buf, "%x", nib);
    out += buf;
  }
  fputs(out.c_str(), f);
}

// xorshift64*: the harness's own stream of coin flips for valid and ready.
static uint64_t rngState;
static uint32_t rnd100() {
  rngState ^= rngState >> 12; rngState ^= rngState << 25; rngState ^= rngState >> 27;
  return (uint32_t)((rngState * 2685821657736338717ULL) >> 33) % 100;
}

static Dut dut;

#define CLK PORT(clk, p_clk)
#define RST PORT(rst, p_rst)
#define S_VALID PORT(s_valid, p_s__valid)
#define S_READY PORT(s_ready, p_s__ready)
#define S_DATA PORT(s_data, p_s__data)
#define S_LAST PORT(s_last, p_s__last)
#define M_VALID PORT(m_valid, p_m__valid)
#define M_READY PORT(m_ready, p_m__ready)
#define M_DATA PORT(m_data, p_m__data)
#define M_KEEP PORT(m_keep, p_m__keep)
#define M_LAST PORT(m_last, p_m__last)
#define OVF PORT(ovf, p_ovf)

int main(int argc, char** argv) {
  if (argc != 7 && argc != 9) {
    fprintf(stderr, "usage: %s in.txt out.txt seed valid_pct ready_pct max_cycles [trace_vector out.vcd]\n", argv[0]);
    return 2;
  }
  FILE* fin = fopen(argv[1], "r");
  FILE* fout = fopen(argv[2], "w");
  if (!fin || !fout) { fprintf(stderr, "harness: cannot open files\n"); return 2; }
  rngState = strtoull(argv[3], nullptr, 10) * 0x9E3779B97F4A7C15ULL + 1;
  const uint32_t validPct = atoi(argv[4]);
  const uint32_t readyPct = atoi(argv[5]);
  const uint64_t maxCycles = strtoull(argv[6], nullptr, 10);
  const long traceVector = argc == 9 ? atol(argv[7]) : -1;
#ifdef TRACE
  bool tracing = false, traced = false;
#else
  if (traceVector >= 0) { fprintf(stderr, "harness: built without TRACE, cannot write a VCD\n"); return 2; }
#endif

  long nvec, inBeats, outBeats;
  if (fscanf(fin, "%ld %ld %ld", &nvec, &inBeats, &outBeats) != 3) { fprintf(stderr, "harness: bad header\n"); return 2; }
  std::vector<Words> beats;
  beats.reserve(nvec * inBeats);
  char tok[1024];
  for (long i = 0; i < nvec * inBeats; i++) {
    if (fscanf(fin, "%1023s", tok) != 1) { fprintf(stderr, "harness: short input\n"); return 2; }
    beats.push_back(parseHex(tok, kInBits));
  }
  fclose(fin);

  setU(CLK, 0); setU(RST, 1); setU(S_VALID, 0); setU(S_LAST, 0); setU(M_READY, 0);
  for (int i = 0; i < 4; i++) { setU(CLK, 0); dut.eval(); setU(CLK, 1); dut.eval(); }
  setU(RST, 0);

  const long totalIn = nvec * inBeats, totalOut = nvec * outBeats;
  long sent = 0, got = 0;
  bool holdValid = false;
  uint64_t cycle = 0;
  while (got < totalOut) {
    if (cycle >= maxCycles) {
      fprintf(stderr, "harness: timeout after %llu cycles: %ld/%ld input beats sent, %ld/%ld output beats received\n",
              (unsigned long long)cycle, sent, totalIn, got, totalOut);
      fclose(fout);
      return 3;
    }
    // Drive inputs in the low half of the cycle. A raised valid is held until taken.
    bool v = sent < totalIn && (holdValid || rnd100() < validPct);
    setU(S_VALID, v);
    if (v) {
      setW(S_DATA, beats[sent]);
      setU(S_LAST, (sent % inBeats) == inBeats - 1);
    } else {
      setU(S_LAST, 0);
    }
    setU(M_READY, rnd100() < readyPct);
    setU(CLK, 0);
    dut.eval();
#ifdef TRACE
    if (!tracing && !traced && traceVector >= 0 && sent >= traceVector * inBeats) {
      dut.traceOpen(argv[8]);
      tracing = true;
    }
    if (tracing) dut.traceDump(cycle * 10);
#endif
    // Handshakes happen at the coming rising edge.
    bool inFire = getU(S_VALID) && getU(S_READY);
    bool outFire = getU(M_VALID) && getU(M_READY);
    if (inFire && sent % inBeats == 0) fprintf(fout, "v %ld %llu\n", sent / inBeats, (unsigned long long)cycle);
    if (outFire) {
      Words d = getW(M_DATA, kOutBits);
      Words k = getW(M_KEEP, OUT_LANES);
      fprintf(fout, "o %llu %d ", (unsigned long long)cycle, (int)getU(M_LAST));
      putField(fout, k, 0, OUT_LANES);
      for (int l = 0; l < OUT_LANES; l++) { fputc(' ', fout); putField(fout, d, l * OUT_W, OUT_W); }
      fputc('\n', fout);
      got++;
    }
    holdValid = v && !inFire;
    if (inFire) sent++;
    setU(CLK, 1);
    dut.eval();
#ifdef TRACE
    if (tracing) {
      dut.traceDump(cycle * 10 + 5);
      if (got >= (traceVector + 1) * outBeats) { dut.traceDump(cycle * 10 + 10); dut.traceClose(); tracing = false; traced = true; }
    }
#endif
    cycle++;
  }
  setU(CLK, 0); setU(S_VALID, 0); setU(M_READY, 0); dut.eval();
  fprintf(fout, "end %llu %d\n", (unsigned long long)cycle, (int)getU(OVF));
  fclose(fout);
  dut.final();
  return 0;
}
