// The ICB dashboard: the ICB's practices in the CBT measures, today and this month, from
// GET /v1/icb/dashboard (the same figures, and the same suppression, as GET /v1/stats).
import { $, authHeaders, el, setStatus, tokenFrom } from './live.js';

const KEY = 'switchboard.icb.token';
const REFRESH_MS = 30_000;
const COLUMNS = [
  ['CBT001', 'Calls'],
  ['CBT003', 'Answered'],
  ['answered_under_2m_pct', 'Answered under 2 min'],
  ['CBT004', 'Abandoned'],
  ['CBT005', 'Call-backs requested'],
  ['CBT006', 'Call-backs made'],
];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

let data = null;
let period = 'today';
let sort = { key: 'name', descending: false };

/** A figure as the API gives it: a number, '*' (suppressed) or null (no calls). */
function show(value, percent = false) {
  if (value === null || value === undefined) return '–';
  if (value === '*') return '*';
  return percent ? `${value}%` : value.toLocaleString('en-GB');
}
const isPercent = (key) => key.endsWith('_pct');
/** Suppressed and empty figures sort below every number. */
const sortValue = (v) => (typeof v === 'number' ? v : v === '*' ? -1 : -2);

function renderTiles(node, label, row) {
  node.replaceChildren(
    el('h2', { class: 'period-label' }, label),
    ...COLUMNS.map(([key, name]) => el('div', { class: 'tile' }, el('span', { class: 'label' }, name), el('span', { class: 'value', 'data-measure': key }, show(row[key], isPercent(key))))),
  );
}

function renderTable() {
  const head = $('#practices thead');
  const columns = [['name', 'Practice'], ['pcn', 'PCN'], ...COLUMNS];
  head.replaceChildren(
    el(
      'tr',
      {},
      ...columns.map(([key, name]) => {
        const button = el('button', { type: 'button', class: 'sort' }, name);
        button.addEventListener('click', () => {
          sort = { key, descending: sort.key === key ? !sort.descending : key !== 'name' && key !== 'pcn' };
          renderTable();
        });
        const th = el('th', { scope: 'col' }, button);
        if (sort.key === key) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
        return th;
      }),
      el('th', { scope: 'col' }, 'CSV'),
    ),
  );
  const value = (p, key) => (key === 'name' ? p.name : key === 'pcn' ? (p.pcn ?? '') : sortValue(p[period][key]));
  const rows = [...data.practices].sort((a, b) => {
    const [x, y] = [value(a, sort.key), value(b, sort.key)];
    const order = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return (sort.descending ? -order : order) || a.name.localeCompare(b.name);
  });
  const range = data[period];
  $('#practices tbody').replaceChildren(
    ...rows.map((p) =>
      el(
        'tr',
        { 'data-ods': p.ods },
        el('th', { scope: 'row' }, `${p.name} `, el('span', { class: 'ods' }, p.ods)),
        el('td', {}, p.pcn ?? '–'),
        ...COLUMNS.map(([key]) => el('td', { class: 'num', 'data-measure': key }, show(p[period][key], isPercent(key)))),
        el('td', {}, csvLink(`/v1/stats?scope=practice:${p.ods}&from=${range.from}&to=${range.to}&granularity=${period === 'today' ? 'hour' : 'day'}&format=csv`, `CSV`, `${p.name}, ${period === 'today' ? 'today by hour' : 'this month by day'}`)),
      ),
    ),
  );
}

function renderHeatmap() {
  const cells = data.heatmap;
  const max = Math.max(1, ...cells.flat().filter((v) => typeof v === 'number'));
  $('#heatmap thead').replaceChildren(el('tr', {}, el('th', { scope: 'col' }, el('span', { class: 'sr-only' }, 'Weekday')), ...Array.from({ length: 24 }, (_, h) => el('th', { scope: 'col' }, String(h).padStart(2, '0')))));
  $('#heatmap tbody').replaceChildren(
    ...cells.map((hours, d) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, WEEKDAYS[d]),
        ...hours.map((v) => {
          const td = el('td', {}, v === 0 ? '' : show(v));
          // Darker is quieter; the strongest tint still keeps white text above 4.5:1.
          if (typeof v === 'number' && v > 0) td.style.setProperty('--heat', String(0.12 + 0.43 * (v / max)));
          return td;
        }),
      ),
    ),
  );
}

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs, text) => {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
};

/** Calls per week as bars, each labelled with its share answered under 2 minutes. */
function renderTrend() {
  const chart = $('#trend');
  chart.replaceChildren();
  const weeks = data.trend;
  const W = chart.clientWidth || 600, H = chart.clientHeight || 160, top = 22, bottom = 22;
  const max = Math.max(4, ...weeks.map((w) => (typeof w.CBT001 === 'number' ? w.CBT001 : 0)));
  const bw = W / weeks.length;
  const y = (n) => H - bottom - (n / max) * (H - top - bottom);
  chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
  chart.setAttribute('aria-label', `Calls per week: ${weeks.map((w) => `week of ${w.period}: ${show(w.CBT001)} calls, ${show(w.answered_under_2m_pct, true)} answered under 2 minutes`).join('; ')}.`);
  weeks.forEach((w, i) => {
    const x = i * bw + bw * 0.15;
    if (typeof w.CBT001 === 'number' && w.CBT001 > 0) chart.append(svg('rect', { x, y: y(w.CBT001), width: bw * 0.7, height: y(0) - y(w.CBT001), class: 'calls' }));
    chart.append(svg('text', { x: x + bw * 0.35, y: Math.min(y(typeof w.CBT001 === 'number' ? w.CBT001 : 0), H - bottom) - 4, class: 'under', 'text-anchor': 'middle' }, show(w.answered_under_2m_pct, true)));
    chart.append(svg('text', { x: x + bw * 0.35, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, w.period.slice(5)));
  });
  chart.append(svg('line', { x1: 0, x2: W, y1: y(0), y2: y(0), class: 'baseline' }));
}

/** A CSV link: the address works with curl and a bearer token; in the page it downloads with this session's token. */
function csvLink(href, text, label) {
  return el('a', { href, 'data-csv': '', ...(label ? { 'aria-label': `CSV: ${label}` } : {}) }, text);
}

function renderCsv() {
  const scope = `icb:${data.icb.code}`;
  $('#csv').replaceChildren(
    ...[
      [`/v1/stats?scope=${scope}&from=${data.today.from}&granularity=hour&format=csv`, 'Today, by hour'],
      [`/v1/stats?scope=${scope}&from=${data.month.from}&to=${data.month.to}&granularity=day&format=csv`, 'This month, by day'],
      [`/v1/stats?scope=${scope}&from=${data.weeks.from}&to=${data.weeks.to}&granularity=week&format=csv`, `The last ${data.trend.length} weeks, by week`],
      [`/v1/stats/cbt-extract?month=${data.month.from.slice(0, 7)}&scope=${scope}`, 'This month, every practice (the CBT extract)'],
    ].map(([href, text]) => el('li', {}, csvLink(href, text))),
  );
}

function render() {
  $('#icb-name').textContent = `${data.icb.name}: calls`;
  renderTiles($('#tiles-today'), 'Today', data.total.today);
  renderTiles($('#tiles-month'), 'This month', data.total.month);
  renderTable();
  renderHeatmap();
  renderTrend();
  renderCsv();
  $('#footnote').textContent = data.suppressedBelow > 0 ? `* fewer than ${data.suppressedBelow}: suppressed, as in every statistic shared outside a practice. – no calls.` : '– no calls.';
}

const token = await tokenFrom(sessionStorage, KEY);
$('#signout').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  location.reload();
});

async function load() {
  let res;
  try {
    res = await fetch('/v1/icb/dashboard', { headers: authHeaders(token) });
  } catch {
    return setStatus('offline', 'Cannot reach Switchboard; trying again…');
  }
  if (res.status === 401 || res.status === 403) {
    sessionStorage.removeItem(KEY);
    clearInterval(timer);
    return setStatus('error', `${res.status === 401 ? 'That token was not recognised.' : 'This dashboard is for ICB tokens.'} Reload to sign in again.`);
  }
  if (!res.ok) return setStatus('offline', `Switchboard answered ${res.status}; trying again…`);
  data = await res.json();
  $('#dashboard').hidden = false;
  render();
  setStatus('live', `Updated ${new Date().toLocaleTimeString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' })}`);
}

for (const b of document.querySelectorAll('[data-period]')) {
  b.addEventListener('click', () => {
    period = b.dataset.period;
    for (const other of document.querySelectorAll('[data-period]')) other.setAttribute('aria-pressed', String(other === b));
    if (data) renderTable();
  });
}
document.addEventListener('click', async (e) => {
  const a = e.target.closest?.('a[data-csv]');
  if (!a) return;
  e.preventDefault();
  const res = await fetch(a.getAttribute('href'), { headers: { ...authHeaders(token), accept: 'text/csv' } });
  if (!res.ok) return setStatus('error', `The CSV could not be fetched (${res.status}).`);
  const url = URL.createObjectURL(await res.blob());
  const save = el('a', { href: url, download: `${(a.getAttribute('aria-label') ?? a.textContent).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}.csv` });
  save.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});
addEventListener('resize', () => data && renderTrend());
// Today's figures change as calls end: read again every 30 s.
const timer = setInterval(() => void load(), REFRESH_MS);
await load();
