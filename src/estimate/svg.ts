/**
 * Small SVG charts written as plain text (no chart library): grouped bars on
 * a log axis, 100% stacked bars, and a log-log scatter with a colour scale.
 * Every chart is self-contained (fonts and colours inline) and has a <title>.
 */

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f1 = (x: number) => (Math.round(x * 10) / 10).toString();

/** Powers of ten covering [lo, hi] (both > 0). */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const out: number[] = [];
  for (let e = a; e <= b; e++) out.push(10 ** e);
  return out;
}

/** 2x and 5x steps between the decades of `ticks` (minor grid lines with labels on short axes). */
export function minorTicks(ticks: number[]): number[] {
  return ticks.slice(0, -1).flatMap((t) => [2 * t, 5 * t]);
}

/** A short label for a number: 1200 -> 1.2k, 0.001 -> 1m. */
export function shortNum(x: number): string {
  if (x === 0) return '0';
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'u'], [1e-9, 'n'], [1e-12, 'p']];
  for (const [f, u] of units) if (Math.abs(x) >= f) return `${+(x / f).toPrecision(3)}${u}`;
  return x.toExponential(1);
}

/** Viridis-like colour for t in [0, 1]. */
export function colourScale(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const u = x - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * u));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function frame(w: number, h: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${FONT} font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export interface BarGroup {
  label: string;
  /** one value per series; null: no bar */
  values: (number | null)[];
}

/** Grouped bars on a log axis (ratios span decades). */
export function groupedLogBars(title: string, yLabel: string, series: { name: string; colour: string }[], groups: BarGroup[]): string {
  const W = 160 + groups.length * 110;
  const H = 380;
  const L = 70, R = 20, T = 50, B = 70;
  const vals = groups.flatMap((g) => g.values).filter((v): v is number => v !== null && v > 0);
  // the axis starts at 1 (no ratio) unless a ratio is below it
  const lo = Math.min(...vals) < 1 ? Math.min(...vals) / 1.5 : 1;
  const hi = Math.max(10, ...vals) * 1.5;
  const ticks = logTicks(lo, hi);
  const y0 = Math.log10(ticks[0]);
  const y1 = Math.log10(ticks[ticks.length - 1]);
  const y = (v: number) => T + (H - T - B) * (1 - (Math.log10(v) - y0) / (y1 - y0));
  const body: string[] = [];
  for (const t of ticks) {
    body.push(`<line x1="${L}" x2="${W - R}" y1="${f1(y(t))}" y2="${f1(y(t))}" stroke="#ddd"/>`);
    body.push(`<text x="${L - 6}" y="${f1(y(t) + 4)}" text-anchor="end">${shortNum(t)}</text>`);
  }
  body.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`);
  body.push(`<line x1="${L}" x2="${W - R}" y1="${f1(y(1))}" y2="${f1(y(1))}" stroke="#333"/>`);
  body.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  const gw = (W - L - R) / groups.length;
  const bw = Math.min(36, (gw - 20) / series.length);
  groups.forEach((g, i) => {
    const gx = L + i * gw + (gw - bw * series.length) / 2;
    g.values.forEach((v, s) => {
      if (v === null || !(v > 0)) return;
      const x = gx + s * bw;
      const top = Math.min(y(v), y(1));
      const h = Math.abs(y(v) - y(1));
      body.push(`<rect x="${f1(x)}" y="${f1(top)}" width="${f1(bw - 2)}" height="${f1(Math.max(h, 1))}" fill="${series[s].colour}"><title>${esc(`${g.label}, ${series[s].name}: ${+v.toPrecision(4)}x`)}</title></rect>`);
      body.push(`<text x="${f1(x + (bw - 2) / 2)}" y="${f1(v >= 1 ? top - 4 : top + h + 12)}" text-anchor="middle" font-size="10">${+v.toPrecision(3)}</text>`);
    });
    body.push(`<text x="${f1(L + i * gw + gw / 2)}" y="${H - B + 18}" text-anchor="middle">${esc(g.label)}</text>`);
  });
  series.forEach((s, k) => {
    const lx = L + 10 + k * 150;
    body.push(`<rect x="${lx}" y="${H - 28}" width="12" height="12" fill="${s.colour}"/>`);
    body.push(`<text x="${lx + 18}" y="${H - 18}">${esc(s.name)}</text>`);
  });
  return frame(W, H, title, body);
}

export interface StackedBar {
  label: string;
  /** the total printed above the bar */
  totalLabel: string;
  parts: { name: string; value: number }[];
}

/** 100% stacked bars (each bar's parts as shares of its total), one colour per part name. */
export function stackedShareBars(title: string, bars: StackedBar[], palette: Record<string, string>): string {
  const names = [...new Set(bars.flatMap((b) => b.parts.filter((p) => p.value > 0).map((p) => p.name)))];
  const W = 140 + bars.length * 120 + 160;
  const H = 380;
  const L = 60, T = 50, B = 60;
  const plotW = W - L - 170;
  const y = (share: number) => T + (H - T - B) * (1 - share);
  const body: string[] = [];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    body.push(`<line x1="${L}" x2="${L + plotW}" y1="${f1(y(t))}" y2="${f1(y(t))}" stroke="#ddd"/>`);
    body.push(`<text x="${L - 6}" y="${f1(y(t) + 4)}" text-anchor="end">${t * 100}%</text>`);
  }
  const bw = Math.min(60, plotW / bars.length - 20);
  bars.forEach((b, i) => {
    const total = b.parts.reduce((s, p) => s + p.value, 0) || 1;
    const x = L + (i + 0.5) * (plotW / bars.length) - bw / 2;
    let acc = 0;
    for (const p of b.parts) {
      if (p.value <= 0) continue;
      const s0 = acc / total;
      acc += p.value;
      const s1 = acc / total;
      body.push(`<rect x="${f1(x)}" y="${f1(y(s1))}" width="${f1(bw)}" height="${f1(y(s0) - y(s1))}" fill="${palette[p.name] ?? '#999'}"><title>${esc(`${b.label}: ${p.name} ${(100 * p.value / total).toFixed(1)}%`)}</title></rect>`);
    }
    body.push(`<text x="${f1(x + bw / 2)}" y="${T - 6}" text-anchor="middle" font-size="11">${esc(b.totalLabel)}</text>`);
    const words = b.label.split('\n');
    words.forEach((w, k) => body.push(`<text x="${f1(x + bw / 2)}" y="${H - B + 16 + 13 * k}" text-anchor="middle" font-size="11">${esc(w)}</text>`));
  });
  names.forEach((nm, k) => {
    const ly = T + 10 + k * 20;
    body.push(`<rect x="${L + plotW + 20}" y="${ly}" width="12" height="12" fill="${palette[nm] ?? '#999'}"/>`);
    body.push(`<text x="${L + plotW + 38}" y="${ly + 10}">${esc(nm)}</text>`);
  });
  return frame(W, H, title, body);
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** colour value (e.g. LUTs) */
  c: number;
  /** false: drawn as a red cross (does not fit) */
  ok: boolean;
  label: string;
}

/** Log-log scatter coloured by `c`, points that do not fit crossed out in red, the Pareto front of the fitting points joined. */
export function paretoScatter(title: string, xLabel: string, yLabel: string, cLabel: string, pts: ScatterPoint[]): string {
  const W = 720, H = 480;
  const L = 80, R = 130, T = 50, B = 60;
  const good = pts.filter((p) => p.x > 0 && p.y > 0);
  const xs = good.map((p) => p.x);
  const ys = good.map((p) => p.y);
  // decades around the data (at least one decade, so a log axis has two ticks)
  const range = (v: number[]) => {
    const lo = v.length ? Math.min(...v) / 1.25 : 1;
    const hi = v.length ? Math.max(...v) * 1.25 : 10;
    return logTicks(lo, Math.max(hi, lo * 10 ** 0.5));
  };
  const xt = range(xs);
  const yt = range(ys);
  const lx = (v: number) => L + (W - L - R) * (Math.log10(v) - Math.log10(xt[0])) / (Math.log10(xt[xt.length - 1]) - Math.log10(xt[0]));
  const ly = (v: number) => T + (H - T - B) * (1 - (Math.log10(v) - Math.log10(yt[0])) / (Math.log10(yt[yt.length - 1]) - Math.log10(yt[0])));
  const cs = good.map((p) => p.c);
  const cmin = cs.length ? Math.min(...cs) : 0;
  const cmax = cs.length ? Math.max(...cs) : 1;
  const ct = (v: number) => (cmax > cmin ? (v - cmin) / (cmax - cmin) : 0.5);
  const body: string[] = [];
  const xm = xt.length <= 3 ? minorTicks(xt) : [];
  const ym = yt.length <= 3 ? minorTicks(yt) : [];
  for (const t of [...xt, ...xm]) {
    body.push(`<line x1="${f1(lx(t))}" x2="${f1(lx(t))}" y1="${T}" y2="${H - B}" stroke="${xt.includes(t) ? '#ddd' : '#f2f2f2'}"/>`);
    body.push(`<text x="${f1(lx(t))}" y="${H - B + 16}" text-anchor="middle"${xt.includes(t) ? '' : ' fill="#777" font-size="10"'}>${shortNum(t)}</text>`);
  }
  for (const t of [...yt, ...ym]) {
    body.push(`<line x1="${L}" x2="${W - R}" y1="${f1(ly(t))}" y2="${f1(ly(t))}" stroke="${yt.includes(t) ? '#ddd' : '#f2f2f2'}"/>`);
    body.push(`<text x="${L - 6}" y="${f1(ly(t) + 4)}" text-anchor="end"${yt.includes(t) ? '' : ' fill="#777" font-size="10"'}>${shortNum(t)}</text>`);
  }
  body.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>`);
  body.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">${esc(xLabel)}</text>`);
  body.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  // Pareto front (lower-left) of the points that fit
  const front = good.filter((p) => p.ok).sort((a, b) => a.x - b.x || a.y - b.y)
    .filter((p, i, arr) => arr.slice(0, i).every((q) => q.y > p.y));
  if (front.length > 1) {
    body.push(`<polyline fill="none" stroke="#888" stroke-dasharray="4 3" points="${front.map((p) => `${f1(lx(p.x))},${f1(ly(p.y))}`).join(' ')}"/>`);
  }
  for (const p of good) {
    const cx = f1(lx(p.x));
    const cy = f1(ly(p.y));
    const tip = `<title>${esc(p.label)}</title>`;
    body.push(`<circle cx="${cx}" cy="${cy}" r="6" fill="${colourScale(ct(p.c))}" stroke="#222" stroke-width="0.8">${tip}</circle>`);
    if (!p.ok) {
      body.push(`<g stroke="#d62728" stroke-width="2.5">${tip}<line x1="${+cx - 8}" y1="${+cy - 8}" x2="${+cx + 8}" y2="${+cy + 8}"/><line x1="${+cx - 8}" y1="${+cy + 8}" x2="${+cx + 8}" y2="${+cy - 8}"/></g>`);
    }
  }
  // colour bar and legend
  const bx = W - R + 30;
  for (let i = 0; i < 50; i++) {
    const t = i / 49;
    body.push(`<rect x="${bx}" y="${f1(T + (H - T - B - 60) * (1 - t))}" width="14" height="${f1((H - T - B - 60) / 49 + 1)}" fill="${colourScale(t)}"/>`);
  }
  body.push(`<text x="${bx + 20}" y="${T + 8}">${shortNum(cmax)}</text>`);
  body.push(`<text x="${bx + 20}" y="${H - B - 60}">${shortNum(cmin)}</text>`);
  body.push(`<text x="${bx - 4}" y="${T - 8}">${esc(cLabel)}</text>`);
  body.push(`<g stroke="#d62728" stroke-width="2.5"><line x1="${bx}" y1="${H - B - 30}" x2="${bx + 10}" y2="${H - B - 20}"/><line x1="${bx}" y1="${H - B - 20}" x2="${bx + 10}" y2="${H - B - 30}"/></g>`);
  body.push(`<text x="${bx + 16}" y="${H - B - 21}" font-size="11">does not fit</text>`);
  body.push(`<line x1="${bx}" x2="${bx + 12}" y1="${H - B - 4}" y2="${H - B - 4}" stroke="#888" stroke-dasharray="4 3"/>`);
  body.push(`<text x="${bx + 16}" y="${H - B}" font-size="11">Pareto front</text>`);
  return frame(W, H, title, body);
}
