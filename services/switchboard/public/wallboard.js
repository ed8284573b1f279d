import { $, announce, clock, el, fitRows, level, levelBelow, pct, set, startScreen, STATUS_TEXT, tickTimes } from './live.js';

const params = new URLSearchParams(location.search);

function chooseScope(info) {
  for (const kind of ['team', 'practice', 'pcn']) if (params.get(kind)) return { [kind]: params.get(kind) };
  if (info.practice) return { practice: info.practice };
  if (info.pcn) return { pcn: info.pcn };
  $('#status').textContent = 'Add ?practice=ODS or ?pcn=CODE to the address to choose what to show.';
  return null;
}

const more = (n) => el('li', { class: 'more' }, `+${n} more`);
let last = null;
let announcedLevel = 'ok';

function render(s) {
  last = s;
  $('#scope-name').textContent = s.scope.name;
  const t = s.thresholds;
  const waitingLevel = level(s.live.waiting, t.waitingAmber, t.waitingRed);
  set('waiting', String(s.live.waiting), waitingLevel);
  set('sl-30', pct(s.serviceLevel.percent), levelBelow(s.serviceLevel.percent, t.withinTargetAmberPercent, t.withinTargetRedPercent));
  set('available', String(s.staffCounts.available));
  set('on-call', String(s.staffCounts.onCall));
  set('wrap-up', String(s.staffCounts.wrapUp));
  set('away', `${s.staffCounts.away} / ${s.staffCounts.offline}`);
  const d = s.today;
  set('offered', String(d.offered));
  set('answered', String(d.answered));
  set('abandoned', String(d.abandoned), level(d.abandonedPercent, t.abandonedAmberPercent, t.abandonedRedPercent));
  set('abandoned-pct', pct(d.abandonedPercent));
  // Waits have the practice's wait thresholds, as the longest wait does.
  set('avg-wait', clock(d.averageWaitSeconds), level(d.averageWaitSeconds, t.longestWaitAmberSeconds, t.longestWaitRedSeconds));
  set('p90-wait', clock(d.p90WaitSeconds), level(d.p90WaitSeconds, t.longestWaitAmberSeconds, t.longestWaitRedSeconds));
  set('within-target', pct(d.answeredWithinTargetPercent), levelBelow(d.answeredWithinTargetPercent, t.withinTargetAmberPercent, t.withinTargetRedPercent));
  for (const n of document.querySelectorAll('.target')) n.textContent = `within ${clock(d.targetSeconds)}`;
  const cb = s.live.callbacks;
  set('callbacks', `${cb.waiting} · ${cb.inProgress} · ${cb.failed} · ${d.callbacksMade}`);
  layOut();
  announce(`${s.live.waiting} ${s.live.waiting === 1 ? 'caller' : 'callers'} waiting; ${s.staffCounts.available} staff available.`, waitingLevel !== announcedLevel);
  announcedLevel = waitingLevel;
}

/** The lists and chart, fitted to the space the screen gives them (again on every resize). */
function layOut() {
  if (!last) return;
  renderCallers(last);
  renderTeams(last);
  renderStaff(last);
  renderDue(last);
  renderChart(last.today);
}

const teamName = (s, key) => s.teams.find((t) => t.key === key)?.name ?? key.split('.').pop();
/** A practice as a screen of several names it: the first word of its name ("Riverside"), or the whole name when two share it. */
function practiceLabel(s, ods) {
  const names = s.scope.practiceNames;
  const first = (n) => n.split(' ')[0];
  const name = names[ods] ?? ods;
  return Object.values(names).filter((n) => first(n) === first(name)).length > 1 ? name : first(name);
}
/** A queue or caller on a screen of several practices: whose it is, then the team. */
function whose(s, practice, text) {
  return s.scope.practices.length > 1 && practice ? `${practiceLabel(s, practice)} · ${text}` : text;
}

function renderCallers(s) {
  const body = $('#callers');
  if (!s.callers) return body.replaceChildren(el('li', { class: 'empty' }, 'Caller details are not shown to this account.'));
  if (s.live.waiting === 0) return body.replaceChildren(el('li', { class: 'empty' }, 'Nobody is waiting.'));
  const rows = s.callers.map((c) => {
    const where = whose(s, c.practice, teamName(s, c.team));
    return el('li', {}, el('span', { class: 'pos' }, String(c.position)), el('span', { class: 'num' }, c.caller), el('span', { class: 'team', title: where }, where), el('span', { class: 'since', 'data-since': String(c.queuedAt) }, ''));
  });
  fitRows(body, rows, s.live.waiting, more);
}

function renderTeams(s) {
  const body = $('#teams tbody');
  const rows = s.teams.map((team) => {
    const name = whose(s, team.practice, team.name) + (team.practice ? '' : ' (PCN)');
    const longest = team.longestWaitingSince === null ? el('td', {}, '–') : el('td', { 'data-since': String(team.longestWaitingSince) }, '');
    return el('tr', { 'data-team': team.key }, el('td', { title: name }, name), el('td', {}, String(team.waiting)), longest, el('td', {}, String(team.available)));
  });
  fitRows(body, rows, s.teams.length, (n) => el('tr', { class: 'more' }, el('td', { colspan: '4' }, `+${n} more teams`)), body.closest('.panel'));
}

const ORDER = ['on-call', 'ringing', 'wrap-up', 'available', 'away', 'offline'];

function renderStaff(s) {
  const body = $('#staff');
  if (!s.staff) return body.replaceChildren(el('li', { class: 'empty' }, 'Staff details are not shown to this account.'));
  if (s.staff.length === 0) return body.replaceChildren(el('li', { class: 'empty' }, 'No staff serve these teams.'));
  const sorted = [...s.staff].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.name.localeCompare(b.name));
  const rows = sorted.map((m) => {
    const name = s.scope.practices.length > 1 ? `${m.name} (${practiceLabel(s, m.practice)})` : m.name;
    return el(
      'li',
      {},
      el('span', { class: 'name', title: name }, name),
      el('span', { class: `pill ${m.status}` }, STATUS_TEXT[m.status]),
      m.since ? el('span', { class: 'since', 'data-since': String(m.since), title: 'time in this state' }, '') : el('span', { class: 'since' }, '–'),
      el('span', { class: 'answered-today' }, `${m.answeredToday} answered`),
    );
  });
  fitRows(body, rows, rows.length, more);
}

const DUE_TEXT = { queued: 'in the queue now', 'retry-wait': 'ringing again soon' };
const hhmm = (ms) => new Date(ms).toLocaleTimeString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

function renderDue(s) {
  const body = $('#due');
  const due = s.callbacksDue;
  if (!due) return body.replaceChildren(el('li', { class: 'empty' }, 'Call-back details are not shown to this account.'));
  if (due.length === 0) return body.replaceChildren(el('li', { class: 'empty' }, 'No call-backs to make.'));
  const rows = due.map((c) => {
    const when = DUE_TEXT[c.state] ?? `booked ${hhmm(c.dueAt)}${c.windowEnd ? `–${hhmm(c.windowEnd)}` : ''}`;
    return el('li', {}, el('span', { class: 'num' }, c.caller), el('span', { class: 'team' }, whose(s, c.practice, teamName(s, c.team))), el('span', {}, when));
  });
  fitRows(body, rows, s.live.callbacks.waiting, more);
}

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs) => {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
};

/** Today's calls per 15 minutes, answered and abandoned stacked; 07:00–19:00 unless calls fall outside. */
function renderChart(day) {
  const intervals = day.intervals;
  const chart = $('#chart');
  chart.setAttribute('aria-label', `Calls today per 15 minutes: ${day.offered} offered, ${day.answered} answered, ${day.abandoned} abandoned.`);
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
addEventListener('resize', () => {
  layOut();
  tickTimes(view);
});
