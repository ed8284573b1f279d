import { $, authHeaders, clock, el, setStatus, tokenFrom } from './live.js';

// The roster planner: the people needed per quarter hour and a what-if editor (docs/planning.md).
const KEY = 'switchboard.plan.token';
const params = new URLSearchParams(location.search);
const DAY_NAMES = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
let token;
let path;
let report;

async function api(method, body) {
  const weekday = $('#weekday').value;
  const url = method === 'GET' ? `${path}?weekday=${weekday}&roster=observed` : path;
  const res = await fetch(url, {
    method,
    headers: { ...authHeaders(token), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify({ weekday, ...body }) : undefined,
  });
  const json = await res.json();
  if (res.status === 401) {
    localStorage.removeItem(KEY);
    throw new Error('That token was not recognised. Reload to sign in again.');
  }
  if (!res.ok) throw new Error(json.detail ?? `the plan could not be loaded (${res.status})`);
  return json;
}

async function load(method, body) {
  setStatus('connecting', 'Calculating…');
  try {
    report = await api(method, body);
    render(report);
    setStatus('live', 'Up to date');
  } catch (err) {
    setStatus('error', err.message);
  }
}

/** Neighbouring quarter hours with the same number of people, as the spans the API takes. */
function rosterSpans() {
  const spans = [];
  for (const input of document.querySelectorAll('#editor input')) {
    const staff = Math.max(0, Math.round(Number(input.value) || 0));
    const last = spans[spans.length - 1];
    if (last && last.to === input.dataset.start && last.staff === staff) last.to = input.dataset.end;
    else spans.push({ from: input.dataset.start, to: input.dataset.end, staff });
  }
  return spans;
}

function render(r) {
  $('#scope-name').textContent = `Roster planner · ${r.scope.replace(':', ' ')}`;
  for (const n of document.querySelectorAll('.dayname')) n.textContent = DAY_NAMES[r.weekday];
  $('#target-time').textContent = clock(r.target.answerWithinSeconds);
  const staffing = Boolean(r.model);
  for (const id of ['#basis', '#changes-panel', '#staff-panel', '#editor-panel']) $(id).hidden = !staffing;
  $('#day-calls').textContent = staffing ? String(r.day.calls) : '–';
  $('#day-within').textContent = r.day.answeredWithinTargetPct === null ? '–' : `${r.day.answeredWithinTargetPct}%`;
  $('#day-abandon').textContent = r.day.abandonPct === null ? '–' : `${r.day.abandonPct}%`;
  $('#day-hours').textContent = staffing ? `${r.day.staffHoursNeeded} · ${r.day.staffHoursRostered}` : '–';
  if (staffing) {
    const m = r.model;
    const days = m.history.map((h) => `${h.daysUsed.length} ${DAY_NAMES[r.weekday]}${h.daysUsed.length === 1 ? '' : 's'}${r.scope.startsWith('pcn') ? ` at ${h.practice}` : ''}`).join(', ');
    $('#model').textContent = `Learnt from ${days} of the last ${r.weeks} weeks. Calls take ${clock(m.talkSeconds)} on average plus ${m.wrapUpSeconds} s wrap-up${m.talkBasis === 'default' ? ' (a stated default)' : ''}${m.answerDelaySeconds ? `, and phones ring ${m.answerDelaySeconds} s before they are picked up` : ''}; callers wait ${clock(m.patienceSeconds)} on average before hanging up${m.patienceBasis === 'default' ? ' (a stated default)' : ''}. Target: ${Math.round(r.target.serviceLevel * 100)}% of answered calls within ${clock(r.target.answerWithinSeconds)}, fewer than ${Math.round(r.target.maxAbandon * 100)}% hanging up. Roster: ${r.roster.source === 'observed' ? `last ${DAY_NAMES[r.weekday]} (${r.roster.date}), from its calls` : r.roster.source === 'given' ? 'yours' : 'the people needed'}.`;
    // A PCN is planned per staff pool: a roster is tried on one pool (a practice's plan), not the sum.
    const pooled = Array.isArray(r.units);
    $('#notes').replaceChildren(...m.notes.map((n) => el('li', {}, n)), ...(pooled ? [el('li', {}, 'To try a roster, open a practice’s plan: each staff pool is planned with its own people.')] : []));
    $('#recalculate').disabled = pooled;
    const changes = r.changes.length ? r.changes.map((c) => el('li', {}, c.sentence[0].toUpperCase() + c.sentence.slice(1))) : [el('li', {}, r.roster.source === 'needed' ? 'The people needed meet the target.' : 'This roster meets the target in every quarter hour.')];
    $('#changes').replaceChildren(...changes, ...r.spare.map((c) => el('li', { class: 'spare' }, `Could spare: ${c.sentence}`)));
    renderEditor(r);
    drawStaffing(r.intervals);
  }
  drawDemand(r.intervals);
}

function renderEditor(r) {
  const rows = r.intervals.map((i) => {
    const input = el('input', { type: 'number', min: '0', max: '500', step: '1', value: String(i.rostered), 'data-start': i.start, 'data-end': i.end, 'aria-label': `people rostered ${i.start}–${i.end}`, ...(r.units ? { disabled: '' } : {}) });
    return el('tr', { class: i.predicted.meetsTarget ? '' : 'short' },
      el('td', {}, `${i.start}–${i.end}`), el('td', {}, String(i.calls)), el('td', {}, String(i.staffNeeded)), el('td', {}, input),
      el('td', {}, `${i.predicted.answeredWithinTargetPct}%`), el('td', {}, `${i.predicted.abandonPct}%`), el('td', {}, clock(i.predicted.meanWaitSeconds)));
  });
  $('#editor tbody').replaceChildren(...rows);
}

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs) => {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
};

function frame(chart, count, max) {
  chart.replaceChildren();
  const W = chart.clientWidth || 1000, H = chart.clientHeight || 200, top = 20, bottom = 26;
  chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const y = (n) => H - bottom - (n / max) * (H - top - bottom);
  for (const n of [max / 2, max]) {
    chart.append(svg('line', { x1: 0, x2: W, y1: y(n), y2: y(n), class: 'grid' }));
    const label = svg('text', { x: W - 4, y: y(n) - 4, class: 'axis', 'text-anchor': 'end' });
    label.textContent = String(Math.round(n * 10) / 10);
    chart.append(label);
  }
  chart.append(svg('line', { x1: 0, x2: W, y1: y(0), y2: y(0), class: 'baseline' }));
  return { W, H, y, bw: W / Math.max(1, count) };
}

function hourLabels(chart, intervals, bw, H) {
  intervals.forEach((iv, i) => {
    if (!iv.start.endsWith(':00')) return;
    const label = svg('text', { x: i * bw + 2, y: H - 8, class: 'axis' });
    label.textContent = iv.start;
    chart.append(label);
  });
}

function drawDemand(intervals) {
  const chart = $('#demand');
  if (!intervals.length || intervals[0].calls === undefined) return chart.replaceChildren();
  const { H, y, bw } = frame(chart, intervals.length, Math.max(4, ...intervals.map((i) => i.calls)));
  intervals.forEach((iv, i) => {
    if (iv.calls > 0) chart.append(svg('rect', { x: i * bw + bw * 0.15, y: y(iv.calls), width: bw * 0.7, height: y(0) - y(iv.calls), class: 'calls' }));
  });
  hourLabels(chart, intervals, bw, H);
}

/** Steps: needed (Erlang A), needed if nobody hung up (Erlang C), rostered. */
function drawStaffing(intervals) {
  const chart = $('#staffing');
  const max = Math.max(2, ...intervals.flatMap((i) => [i.staffNeeded, i.staffNeededErlangC, i.rostered]));
  const { H, y, bw } = frame(chart, intervals.length, max);
  const step = (pick) => intervals.map((iv, i) => `${i ? 'L' : 'M'}${i * bw},${y(pick(iv))} L${(i + 1) * bw},${y(pick(iv))}`).join(' ');
  chart.append(svg('path', { d: step((i) => i.staffNeededErlangC), class: 'erlang-c' }));
  chart.append(svg('path', { d: step((i) => i.staffNeeded), class: 'needed' }));
  chart.append(svg('path', { d: step((i) => i.rostered), class: 'rostered' }));
  hourLabels(chart, intervals, bw, H);
}

async function start() {
  token = await tokenFrom(localStorage, KEY);
  $('#signout').addEventListener('click', () => {
    localStorage.removeItem(KEY);
    location.reload();
  });
  let scope = params.get('practice') ? `/v1/practices/${encodeURIComponent(params.get('practice'))}/plan` : params.get('pcn') ? `/v1/pcns/${encodeURIComponent(params.get('pcn'))}/plan` : null;
  if (!scope) {
    // Which practice or PCN the token belongs to: the live screens' ticket says.
    const res = await fetch('/v1/live/tickets', { method: 'POST', headers: authHeaders(token) });
    const info = res.ok ? await res.json() : {};
    scope = info.role === 'pcn' ? `/v1/pcns/${info.pcn}/plan` : info.practice ? `/v1/practices/${info.practice}/plan` : null;
  }
  if (!scope) return setStatus('error', 'Add ?practice=ODS or ?pcn=CODE to the address to choose what to plan.');
  path = scope;
  const days = Object.keys(DAY_NAMES);
  const tomorrow = days[(days.indexOf(new Date().toLocaleDateString('en-GB', { timeZone: 'Europe/London', weekday: 'short' }).toLowerCase().slice(0, 3)) + 1) % 7];
  $('#weekday').value = params.get('weekday') ?? tomorrow;
  $('#weekday').addEventListener('change', () => load('GET'));
  $('#use-observed').addEventListener('click', () => load('GET'));
  $('#use-needed').addEventListener('click', () => load('POST', {}));
  $('#recalculate').addEventListener('click', () => load('POST', { roster: rosterSpans() }));
  addEventListener('resize', () => report && render(report));
  await load('GET');
}

void start();
