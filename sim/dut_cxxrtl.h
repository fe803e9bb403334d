// circa simulator adapter: CXXRTL (yosys write_cxxrtl, compiled to
// WebAssembly by src/sim/cxxrtl.ts). Same surface as dut_verilator.h; see
// there for what the harnesses may use. The generated design is one
// translation unit with the harness: dut.cc defines cxxrtl_design::DUT_TOP
// (the top module's mangled name, given with -D by the build).
#include <cxxrtl/cxxrtl.h>
#include <cstdint>
#include <cstdio>
#include <vector>
#ifdef TRACE
#include <cxxrtl/cxxrtl_vcd.h>
#endif
#include "dut.cc"

typedef std::vector<uint32_t> Words;

#define PORT(verilatorName, cxxrtlName) (dut.top.cxxrtlName)

struct Dut {
  cxxrtl_design::DUT_TOP top;
#ifdef TRACE
  cxxrtl::debug_items items;
  cxxrtl::vcd_writer vcd;
  FILE* vcdFile = nullptr;
#endif
  // step() evaluates and commits; at a rising clock edge the registers take
  // their new values in the commit, and the logic that reads them is only
  // evaluated again by the next step(): a second one settles it, so the
  // harness reads settled outputs after an edge, as with Verilator. (Every
  // circa top's clock is `clk`.)
  bool lastClk = false;
  void eval() {
    const bool clk = top.p_clk.get<bool>();
    top.step();
    if (clk && !lastClk) top.step();
    lastClk = clk;
  }
  void final() {}
#ifdef TRACE
  void traceOpen(const char* path) {
    top.debug_info(&items, nullptr, "top ");
    vcd.timescale(1, "ns");
    vcd.add_without_memories(items);
    vcdFile = fopen(path, "w");
  }
  void traceDump(uint64_t t) {
    vcd.sample(t);
    fwrite(vcd.buffer.data(), 1, vcd.buffer.size(), vcdFile);
    vcd.buffer.clear();
  }
  void traceClose() { fclose(vcdFile); }
#endif
};

// CXXRTL keeps a port as value<N>, or as wire<N> (curr/next) when a register drives it.
template <size_t N> static void setU(cxxrtl::value<N>& p, uint64_t v) {
  for (size_t i = 0; i < p.chunks; i++) p.data[i] = i < 2 ? (uint32_t)(v >> (32 * i)) : 0;
  p.data[p.chunks - 1] &= p.msb_mask;
}
template <size_t N> static uint64_t getU(const cxxrtl::value<N>& p) {
  uint64_t v = p.data[0];
  if (p.chunks > 1) v |= (uint64_t)p.data[1] << 32;
  return v;
}
template <size_t N> static uint64_t getU(const cxxrtl::wire<N>& p) { return getU(p.curr); }

template <size_t N> static void setW(cxxrtl::value<N>& p, const Words& w) {
  for (size_t i = 0; i < p.chunks; i++) p.data[i] = i < w.size() ? w[i] : 0;
  p.data[p.chunks - 1] &= p.msb_mask;
}
template <size_t N> static Words getW(const cxxrtl::value<N>& p, int bits) {
  Words w((bits + 31) / 32, 0);
  for (size_t i = 0; i < w.size() && i < p.chunks; i++) w[i] = p.data[i];
  return w;
}
template <size_t N> static Words getW(const cxxrtl::wire<N>& p, int bits) { return getW(p.curr, bits); }
