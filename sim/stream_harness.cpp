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
// usage: harness <in.txt> <out.txt> <seed> <valid_pct> <ready_pct> <max_cycles>
// in.txt:  "<nvec> <in_beats_per_vec> <out_beats_per_vec>" then one line per vector
//          of in_beats hex words (each IN_LANES*IN_W bits).
// out.txt: "v <k> <cycle>" at the first input beat of vector k,
//          "o <cycle> <last> <keep hex> <lane0 hex> ..." per output beat,
//          "end <cycles> <ovf>" at the end.
#include "Vdut.h"
#include "verilated.h"
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

typedef std::vector<uint32_t> Words;

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

// Port setters/getters for every width class Verilator uses.
template <typename T> static void setPort(T& p, const Words& w) {
  uint64_t v = w[0];
  if (w.size() > 1) v |= (uint64_t)w[1] << 32;
  p = (T)v;
}
template <std::size_t N> static void setPort(VlWide<N>& p, const Words& w) {
  for (std::size_t i = 0; i < N; i++) p[i] = i < w.size() ? w[i] : 0;
}
template <typename T> static Words getPort(const T& p, int bits) {
  uint64_t v = (uint64_t)p;
  Words w((bits + 31) / 32, 0);
  w[0] = (uint32_t)v;
  if (w.size() > 1) w[1] = (uint32_t)(v >> 32);
  return w;
}
template <std::size_t N> static Words getPort(const VlWide<N>& p, int bits) {
  Words w((bits + 31) / 32, 0);
  for (std::size_t i = 0; i < w.size() && i < N; i++) w[i] = p[i];
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

int main(int argc, char** argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s in.txt out.txt seed valid_pct ready_pct max_cycles\n", argv[0]);
    return 2;
  }
  FILE* fin = fopen(argv[1], "r");
  FILE* fout = fopen(argv[2], "w");
  if (!fin || !fout) { fprintf(stderr, "harness: cannot open files\n"); return 2; }
  rngState = strtoull(argv[3], nullptr, 10) * 0x9E3779B97F4A7C15ULL + 1;
  const uint32_t validPct = atoi(argv[4]);
  const uint32_t readyPct = atoi(argv[5]);
  const uint64_t maxCycles = strtoull(argv[6], nullptr, 10);

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

  VerilatedContext ctx;
  Vdut dut(&ctx);
  dut.clk = 0; dut.rst = 1; dut.s_valid = 0; dut.s_last = 0; dut.m_ready = 0;
  for (int i = 0; i < 4; i++) { dut.clk = 0; dut.eval(); dut.clk = 1; dut.eval(); }
  dut.rst = 0;

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
    dut.s_valid = v;
    if (v) {
      setPort(dut.s_data, beats[sent]);
      dut.s_last = (sent % inBeats) == inBeats - 1;
    } else {
      dut.s_last = 0;
    }
    dut.m_ready = rnd100() < readyPct;
    dut.clk = 0;
    dut.eval();
    // Handshakes happen at the coming rising edge.
    bool inFire = dut.s_valid && dut.s_ready;
    bool outFire = dut.m_valid && dut.m_ready;
    if (inFire && sent % inBeats == 0) fprintf(fout, "v %ld %llu\n", sent / inBeats, (unsigned long long)cycle);
    if (outFire) {
      Words d = getPort(dut.m_data, kOutBits);
      Words k = getPort(dut.m_keep, OUT_LANES);
      fprintf(fout, "o %llu %d ", (unsigned long long)cycle, (int)dut.m_last);
      putField(fout, k, 0, OUT_LANES);
      for (int l = 0; l < OUT_LANES; l++) { fputc(' ', fout); putField(fout, d, l * OUT_W, OUT_W); }
      fputc('\n', fout);
      got++;
    }
    holdValid = v && !inFire;
    if (inFire) sent++;
    dut.clk = 1;
    dut.eval();
    cycle++;
  }
  dut.clk = 0; dut.s_valid = 0; dut.m_ready = 0; dut.eval();
  fprintf(fout, "end %llu %d\n", (unsigned long long)cycle, (int)dut.ovf);
  fclose(fout);
  dut.final();
  return 0;
}
