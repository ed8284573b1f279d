import { $, clock, el, level, pct, set, startScreen, STATUS_TEXT } from './live.js';

const params = new URLSearchParams(location.search);

function chooseScope(info) {
  for (const kind of ['team', 'practice', 'pcn']) if (params.get(kind)) return { [kind]: params.get(kind) };
  if (info.practice) return { practice: info.practice };
  if (info.pcn) return { pcn: info.pcn };
  $('#status').textContent = 'Add ?practice=ODS or ?pcn=CODE to the address to choose what to show.';
  return null;
}

function render(s) {
  $('#scope-name').textContent = s.scope.name;
  const t = s.thresholds;
  set('waiting', String(s.live.waiting), level(s.live.waiting, t.waitingAmber, t.waitingRed));
  set('available', String(s.staffCounts.available));
  set('on-call', String(s.staffCounts.onCall));
  set('wrap-up', String(s.staffCounts.wrapUp));
  set('away', `${s.staffCounts.away} / ${s.staffCounts.offline}`);
  const d = s.today;
  set('offered', String(d.offered));
  set('answered', String(d.answered));
  set('abandoned', String(d.abandoned));
  set('abandoned-pct', pct(d.abandonedPercent));
  set('avg-wait', clock(d.averageWaitSeconds));
  set('p90-wait', clock(d.p90WaitSeconds));
  set('within-target', pct(d.answeredWithinTargetPercent));
  $('#target').textContent = `within ${clock(d.targetSeconds)}`;
  const cb = s.live.callbacks;
  set('callbacks', `${cb.waiting} · ${cb.inProgress} · ${cb.failed} · ${d.callbacksMade}`);
  renderCallers(s);
  renderStaff(s);
  renderChart(d.intervals);
}

function renderCallers(s) {
  const body = $('#callers');
  body.replaceChildren();
  if (!s.callers) return body.append(el('li', { class: 'empty' }, 'Caller details are not shown to this account.'));
  if (s.callers.length === 0) return body.append(el('li', { class: 'empty' }, 'Nobody is waiting.'));
  for (const c of s.callers) {
    body.append(el('li', {}, el('span', { class: 'pos' }, String(c.position)), el('span', { class: 'num' }, c.caller), el('span', { class: 'team' }, c.team.split('.').pop()), el('span', { class: 'since', 'data-since': String(c.queuedAt) }, '')));
  }
  if (s.live.waiting > s.callers.length) body.append(el('li', { class: 'empty' }, `and ${s.live.waiting - s.callers.length} more`));
}

function renderStaff(s) {
  const body = $('#staff');
  body.replaceChildren();
  if (!s.staff) return body.append(el('li', { class: 'empty' }, 'Staff details are not shown to this account.'));
  const order = ['on-call', 'ringing', 'wrap-up', 'available', 'away', 'offline'];
  for (const m of [...s.staff].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || a.name.localeCompare(b.name))) {
    const call = m.call ? el('span', { class: 'call' }, `${m.call.caller}${m.call.answeredAt ? ' · ' : ''}`, m.call.answeredAt ? el('span', { 'data-since': String(m.call.answeredAt) }, '') : '') : el('span', { class: 'call' }, '');
    body.append(el('li', {}, el('span', { class: 'name' }, m.name), el('span', { class: `pill ${m.status}` }, STATUS_TEXT[m.status]), call));
  }
}

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs) => {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
};

/** Today's calls per 15 minutes, answered and abandoned stacked; 07:00–19:00 unless calls fall outside. */
function renderChart(intervals) {
  const chart = $('#chart');
  chart.replaceChildren();
  const busy = intervals.map((iv, i) => (iv.offered > 0 ? i : -1)).filter((i) => i >= 0);
  const first = Math.min(intervals.findIndex((iv) => iv.label === '07:00'), ...busy);
  const last = Math.max(intervals.findIndex((iv) => iv.label === '18:45'), ...busy);
  // A quarter whose small counts are suppressed ('*') draws no bar.
  const shown = intervals.slice(Math.max(0, first), last + 1).map((iv) => ({ ...iv, ...Object.fromEntries(['offered', 'answered', 'abandoned'].map((k) => [k, iv[k] === '*' ? 0 : iv[k]])) }));
  // Drawn at the element's own size so that text is never stretched.
  const W = chart.clientWidth || 1000, H = chart.clientHeight || 220, top = 24, bottom = 28;
  const max = Math.max(4, ...shown.map((iv) => iv.offered));
  const bw = W / shown.length;
  const y = (n) => H - bottom - (n / max) * (H - top - bottom);
  chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
  for (const n of [max / 2, max]) {
    chart.append(svg('line', { x1: 0, x2: W, y1: y(n), y2: y(n), class: 'grid' }));
    const label = svg('text', { x: W - 4, y: y(n) - 4, class: 'axis', 'text-anchor': 'end' });
    label.textContent = String(Math.round(n));
    chart.append(label);
  }
  shown.forEach((iv, i) => {
    const x = i * bw + bw * 0.15;
    const w = bw * 0.7;
    if (iv.answered) chart.append(svg('rect', { x, y: y(iv.answered), width: w, height: y(0) - y(iv.answered), class: 'answered' }));
    if (iv.abandoned) chart.append(svg('rect', { x, y: y(iv.offered), width: w, height: y(iv.answered) - y(iv.offered), class: 'abandoned' }));
    if (iv.label.endsWith(':00')) {
      const label = svg('text', { x: i * bw + 2, y: H - 8, class: 'axis' });
      label.textContent = iv.label;
      chart.append(label);
    }
  });
  chart.append(svg('line', { x1: 0, x2: W, y1: y(0), y2: y(0), class: 'baseline' }));
}

const { view } = await startScreen({ storage: localStorage, key: 'switchboard.wallboard.token', chooseScope, render });
addEventListener('resize', () => view.state() && renderChart(view.state().today.intervals));
