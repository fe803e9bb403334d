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
// usage: harness <in.bin|-> <out.bin|-> <seed> <valid_pct> <ready_pct> <max_cycles> [<trace_vector> <out.vcd>]
// "-" reads the input from stdin / writes the records to stdout (the Verilator
// back end streams both through pipes; the WebAssembly one uses files).
// With the trace arguments (builds with -DTRACE=1 only) the harness writes a
// VCD from the cycle vector trace_vector is first offered until its last
// output beat is taken; time is 10 units per cycle, the rising edge of cycle c
// at 10*c + 5.
//
// Both files are binary, little-endian 32-bit words (src/sim/stream.ts reads
// and writes them; nothing is parsed as text on the hot path):
//   input:  header  'CIRI' 1 nvec in_beats out_beats in_words
//           then nvec*in_beats beats of in_words words each: the beat's
//           IN_LANES*IN_W bits, least significant word first (lane l at bits
//           [l*IN_W +: IN_W]). The harness reads a beat only when it offers
//           it, so the input can stream in while the design runs.
//   output: header  'CIRO' 1 out_lanes lane_words   (lane_words = ceil(OUT_W/32))
//           then fixed-size records of 4 + OUT_LANES*lane_words words:
//             tag cycle_lo cycle_hi aux lane0 ... (each lane its raw OUT_W bits,
//                                                   zero-extended, LSW first)
//           tag 1 'vector start': aux = vector index, cycle of its first input beat
//           tag 2 'output beat':  aux = m_keep, bit 8 of tag = m_last
//           tag 3 'end':          aux = ovf, cycle = cycles simulated, the first
//                                 lane word the harness's CPU time in ms (0 in WebAssembly)
//           (the other lanes are zero in the records that carry no data).
#ifdef CIRCA_CXXRTL
#include "dut_cxxrtl.h"
#else
#include "dut_verilator.h"
#endif
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#ifndef IN_LANES
#define IN_LANES 1
#endif
static const int kInBits = IN_LANES * IN_W;
static const int kOutBits = OUT_LANES * OUT_W;

static const int kInWords = (kInBits + 31) / 32;
static const int kLaneWords = (OUT_W + 31) / 32;
static const int kRecordWords = 4 + OUT_LANES * kLaneWords;
static const uint32_t kTagVector = 1, kTagBeat = 2, kTagEnd = 3;

// bits [lo, lo+bits) of w, zero-extended, into out[0 .. (bits+31)/32)
static void getField(const Words& w, int lo, int bits, uint32_t* out) {
  if (bits <= 32 && lo % 32 + bits <= 32) {
    const uint32_t word = w[lo / 32] >> (lo % 32);
    out[0] = bits == 32 ? word : word & ((1u << bits) - 1u);
    return;
  }
  for (int i = 0; i < (bits + 31) / 32; i++) out[i] = 0;
  for (int b = 0; b < bits; b++) {
    int bit = lo + b;
    out[b / 32] |= ((w[bit / 32] >> (bit % 32)) & 1u) << (b % 32);
  }
}

static bool readWords(FILE* f, uint32_t* w, size_t n) { return fread(w, sizeof(uint32_t), n, f) == n; }

static uint32_t record[kRecordWords];
static void clearLanes() {
  for (int i = 4; i < kRecordWords; i++) record[i] = 0;
}
static void putRecord(FILE* f, uint32_t tag, uint64_t cycle, uint32_t aux) {
  record[0] = tag;
  record[1] = (uint32_t)cycle;
  record[2] = (uint32_t)(cycle >> 32);
  record[3] = aux;
  fwrite(record, sizeof(uint32_t), kRecordWords, f);
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
    fprintf(stderr, "usage: %s in.bin|- out.bin|- seed valid_pct ready_pct max_cycles [trace_vector out.vcd]\n", argv[0]);
    return 2;
  }
  const bool inStd = strcmp(argv[1], "-") == 0, outStd = strcmp(argv[2], "-") == 0;
  FILE* fin = inStd ? stdin : fopen(argv[1], "rb");
  FILE* fout = outStd ? stdout : fopen(argv[2], "wb");
  if (!fin || !fout) { fprintf(stderr, "harness: cannot open files\n"); return 2; }
  static char inBuf[1 << 16], outBuf[1 << 16];
  setvbuf(fin, inBuf, _IOFBF, sizeof inBuf);
  setvbuf(fout, outBuf, _IOFBF, sizeof outBuf);
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

  uint32_t header[6];
  if (!readWords(fin, header, 6) || header[0] != 0x49524943u /* 'CIRI' */ || header[1] != 1) { fprintf(stderr, "harness: bad input header\n"); return 2; }
  const long nvec = header[2], inBeats = header[3], outBeats = header[4];
  if ((int)header[5] != kInWords) { fprintf(stderr, "harness: input beats of %u words, this build takes %d\n", header[5], kInWords); return 2; }
  const uint32_t outHeader[4] = {0x4f524943u /* 'CIRO' */, 1, OUT_LANES, kLaneWords};
  fwrite(outHeader, sizeof(uint32_t), 4, fout);
  // the beat on offer: read from the input when it is first offered
  Words beat(kInWords, 0);
  long loaded = -1;

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
      fflush(fout);
      return 3;
    }
    // Drive inputs in the low half of the cycle. A raised valid is held until taken.
    bool v = sent < totalIn && (holdValid || rnd100() < validPct);
    setU(S_VALID, v);
    if (v) {
      if (loaded != sent) {
        if (!readWords(fin, beat.data(), kInWords)) { fprintf(stderr, "harness: short input (beat %ld of %ld)\n", sent, totalIn); return 2; }
        loaded = sent;
      }
      setW(S_DATA, beat);
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
    if (inFire && sent % inBeats == 0) { clearLanes(); putRecord(fout, kTagVector, cycle, (uint32_t)(sent / inBeats)); }
    if (outFire) {
      Words d = getW(M_DATA, kOutBits);
      for (int l = 0; l < OUT_LANES; l++) getField(d, l * OUT_W, OUT_W, &record[4 + l * kLaneWords]);
      putRecord(fout, kTagBeat | (getU(M_LAST) ? 0x100u : 0u), cycle, (uint32_t)getU(M_KEEP));
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
  clearLanes();
#ifndef CIRCA_CXXRTL
  // the harness's own CPU time (ms): the simulator's share of a piped run. (WebAssembly runs
  // block the host while they run, so their wall time is the simulator's time: 0 here.)
  record[4] = (uint32_t)((double)clock() * 1000.0 / CLOCKS_PER_SEC);
#endif
  putRecord(fout, kTagEnd, cycle, (uint32_t)getU(OVF));
  if (fflush(fout) != 0) { fprintf(stderr, "harness: cannot write the records\n"); return 2; }
  if (!outStd) fclose(fout);
  dut.final();
  return 0;
}
