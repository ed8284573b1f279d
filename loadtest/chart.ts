import { maximum } from './random.js';

/** A small dependency-free SVG line chart for the reports (readable in any browser or on GitHub). */
export interface Series {
  name: string;
  points: [number, number][];
}

const COLOURS = ['#005eb8', '#d5281b', '#007f3b', '#ffb81c', '#330072', '#768692'];
const W = 720;
const H = 300;
const M = { left: 60, right: 20, top: 36, bottom: 44 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A tidy upper bound for an axis: 1, 2 or 5 times a power of ten. */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const all = series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(1, maximum(all.map(([x]) => x))));
  const yMax = niceMax(maximum(all.map(([, y]) => y)));
  const px = (x: number) => M.left + (x / xMax) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - (y / yMax) * (H - M.top - M.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks
    .map((t) => `<line x1="${M.left}" x2="${W - M.right}" y1="${py(t * yMax)}" y2="${py(t * yMax)}" stroke="#e8edee"/><text x="${M.left - 6}" y="${py(t * yMax) + 4}" text-anchor="end">${+(t * yMax).toPrecision(3)}</text>` +
      `<text x="${px(t * xMax)}" y="${H - M.bottom + 16}" text-anchor="middle">${+(t * xMax).toPrecision(3)}</text>`)
    .join('');
  const lines = series
    .map((s, i) => `<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.8" points="${s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`)
    .join('');
  const legend = series.map((s, i) => `<text x="${M.left + 10 + i * 200}" y="${M.top - 8}" fill="${COLOURS[i % COLOURS.length]}">■ ${esc(s.name)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Arial, sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="16" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>
${grid}${legend}
<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#425563"/><line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#425563"/>
${lines}
<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>
<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(yLabel)}</text>
</svg>
`;
}
