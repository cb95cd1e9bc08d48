// A small SVG histogram (no dependencies): reconnect times of the fleet test,
// one colour per series, 50 ms bins.
export interface Series { label: string; color: string; times: number[] }

export function histogramSvg(title: string, series: Series[],
  xlabel = "seconds from the node's death to the CONNACK on the survivor"): string {
  const all = series.flatMap((s) => s.times);
  const bin = 0.05;
  const lo = Math.floor(Math.min(...all) / bin) * bin, hi = Math.ceil(Math.max(...all) / bin + 1) * bin;
  const nb = Math.max(1, Math.round((hi - lo) / bin));
  const counts = series.map((s) => {
    const c = new Array<number>(nb).fill(0);
    for (const t of s.times) c[Math.min(nb - 1, Math.floor((t - lo) / bin))]++;
    return c;
  });
  const top = Math.max(1, ...counts.flat());
  const W = 720, H = 300, L = 50, B = 40, T = 30, R = 10;
  const pw = W - L - R, ph = H - T - B, bw = pw / nb / series.length;
  const x = (i: number) => L + (i * pw) / nb;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${L}" y="18" font-size="13">${title}</text>`];
  counts.forEach((c, k) => c.forEach((n, i) => {
    if (n === 0) return;
    const h = (n / top) * ph;
    out.push(`<rect x="${(x(i) + k * bw).toFixed(1)}" y="${(T + ph - h).toFixed(1)}" width="${Math.max(1, bw - 0.5).toFixed(1)}" height="${h.toFixed(1)}" fill="${series[k].color}"/>`);
  }));
  out.push(`<line x1="${L}" y1="${T + ph}" x2="${L + pw}" y2="${T + ph}" stroke="black"/>`, `<line x1="${L}" y1="${T}" x2="${L}" y2="${T + ph}" stroke="black"/>`);
  const step = Math.max(1, Math.round(nb / 10));
  for (let i = 0; i <= nb; i += step) out.push(`<text x="${x(i).toFixed(1)}" y="${T + ph + 15}" text-anchor="middle">${(lo + i * bin).toFixed(2)}</text>`);
  out.push(`<text x="${L + pw / 2}" y="${H - 5}" text-anchor="middle">${xlabel} (50 ms bins)</text>`);
  for (const v of [0, Math.round(top / 2), top]) out.push(`<text x="${L - 5}" y="${(T + ph - (v / top) * ph + 4).toFixed(1)}" text-anchor="end">${v}</text>`);
  series.forEach((s, k) => {
    out.push(`<rect x="${W - 250}" y="${T + 5 + k * 16}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${W - 235}" y="${T + 14 + k * 16}">${s.label}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
