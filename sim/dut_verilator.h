// circa simulator adapter: Verilator. The harnesses (stream_harness.cpp,
// uart_harness.cpp) include exactly one adapter, chosen by the back end's
// build (src/sim/verilator.ts includes this one, src/sim/cxxrtl.ts the CXXRTL
// one); they reach the design only through what is defined here:
//   Dut dut;                 the design, its clock and its waveform writer
//   PORT(verilator, cxxrtl)  a port by its Verilator and its CXXRTL name
//   setU / getU              a port of at most 64 bits as an unsigned number
//   setW / getW              a port of any width as 32-bit words, LSW first
//   dut.eval()               settle the design after inputs changed
//   dut.traceOpen/Dump/Close a VCD of the run (builds with -DTRACE=1 only)
#include "Vdut.h"
#include "verilated.h"
#include <cstdint>
#include <vector>
#ifdef TRACE
#include "verilated_vcd_c.h"
#endif

typedef std::vector<uint32_t> Words;

#define PORT(verilatorName, cxxrtlName) (dut.top->verilatorName)

struct Dut {
  VerilatedContext ctx;
  Vdut* top;
#ifdef TRACE
  VerilatedVcdC* vcd = nullptr;
#endif
  Dut() {
#ifdef TRACE
    ctx.traceEverOn(true);
#endif
    top = new Vdut(&ctx);
  }
  ~Dut() { delete top; }
  void eval() { top->eval(); }
  void final() { top->final(); }
#ifdef TRACE
  void traceOpen(const char* path) {
    vcd = new VerilatedVcdC;
    top->trace(vcd, 99);
    vcd->open(path);
  }
  void traceDump(uint64_t t) { vcd->dump(t); }
  void traceClose() { vcd->close(); }
#endif
};

template <typename T> static void setU(T& p, uint64_t v) { p = (T)v; }
template <typename T> static uint64_t getU(const T& p) { return (uint64_t)p; }

template <typename T> static void setW(T& p, const Words& w) {
  uint64_t v = w[0];
  if (w.size() > 1) v |= (uint64_t)w[1] << 32;
  p = (T)v;
}
template <std::size_t N> static void setW(VlWide<N>& p, const Words& w) {
  for (std::size_t i = 0; i < N; i++) p[i] = i < w.size() ? w[i] : 0;
}
template <typename T> static Words getW(const T& p, int bits) {
  uint64_t v = (uint64_t)p;
  Words w((bits + 31) / 32, 0);
  w[0] = (uint32_t)v;
  if (w.size() > 1) w[1] = (uint32_t)(v >> 32);
  return w;
}
template <std::size_t N> static Words getW(const VlWide<N>& p, int bits) {
  Words w((bits + 31) / 32, 0);
  for (std::size_t i = 0; i < w.size() && i < N; i++) w[i] = p[i];
  return w;
}
