// The reports page: a week at a glance, each member of staff's day and each team's service level,
// read from /v1/practices/:ods/staff-stats and /team-stats with the token the screens sign in with.
import { $, authHeaders, clock, el, saveDownload, tokenFrom } from './live.js';

const KEY = 'switchboard.reports.token';
const SVG = 'http://www.w3.org/2000/svg';
const params = new URLSearchParams(location.search);

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

/** A London date's ISO week, Monday first. */
function weekOf(date) {
  const d = new Date(`${date}T12:00:00Z`);
  const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000);
  return Array.from({ length: 7 }, (_, i) => new Date(monday.getTime() + i * 86_400_000).toISOString().slice(0, 10));
}
const dayName = (date) => new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);
const orDash = (v, f = String) => (v === null || v === undefined ? '–' : f(v));
const percentText = (v) => orDash(v, (p) => `${p}%`);
const secondsText = (v) => orDash(v, (s) => (typeof s === 'string' ? `over ${clock(Number(s.slice(1)))}` : clock(s)));
const staffText = (n) => (Math.round(n * 10) / 10).toFixed(1);

/** A cell showing `text`, with the figure as the API gave it (data-value) for anyone reading the page's numbers. */
const cell = (value, text = String(value)) => el('td', { 'data-value': value === null ? '' : String(value) }, text);

async function start() {
  const token = await tokenFrom(sessionStorage, KEY);
  $('#signout').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    location.reload();
  });
  const status = (kind, text) => Object.assign($('#status'), { textContent: text }).setAttribute('data-kind', kind);
  const api = async (path) => {
    const res = await fetch(path, { headers: authHeaders(token) });
    if (res.status === 401) {
      sessionStorage.removeItem(KEY);
      throw new Error('That token was not recognised. Reload to sign in again.');
    }
    return res.ok ? res.json() : null;
  };
  // Who the token is, as the live screens learn it.
  const who = await fetch('/v1/live/tickets', { method: 'POST', headers: authHeaders(token) });
  if (!who.ok) return status('error', who.status === 401 ? 'That token was not recognised. Reload to sign in again.' : 'Could not sign in.');
  const info = await who.json();
  const practice = params.get('practice') ?? info.practice;
  if (!practice) return status('error', 'Add ?practice=ODS to the address to choose a practice.');
  // Finding a caller's call is for the practice's managers (docs/calls.md).
  if (info.role === 'practice') Object.assign($('#find-call'), { hidden: false, href: `/calls?practice=${encodeURIComponent(practice)}` });
  const date = params.get('date') ?? new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  $('#choose').date.value = date;
  $('#week-of').textContent = `Week of ${dayName(weekOf(date)[0])}`;
  $('#report').hidden = false;

  const base = `/v1/practices/${encodeURIComponent(practice)}`;
  const [staffWeek, staffDay, teamWeek, teamDays] = await Promise.all([
    api(`${base}/staff-stats?period=week&granularity=hour&date=${date}`),
    api(`${base}/staff-stats?period=day&date=${date}`),
    api(`${base}/team-stats?period=week&granularity=hour&date=${date}`),
    api(`${base}/team-stats?period=week&granularity=day&date=${date}`),
  ]);
  $('#scope-name').textContent = `Reports · ${practice}${info.staff ? ` · ${info.staff.name}` : ''}`;
  const notices = [];
  if (teamWeek) renderWeek(date, teamWeek, staffWeek);
  else {
    $('#week-section').hidden = true;
    $('#team-section').hidden = true;
    notices.push('Team figures are not shown to this token.');
  }
  if (staffDay) renderStaff(staffDay);
  else {
    $('#staff-section').hidden = true;
    notices.push("No individual's figures are shown to this token.");
  }
  if (teamDays) renderTeams(teamDays);
  $('#notice').textContent = notices.join(' ');
  for (const link of document.querySelectorAll('a.csv')) csvLink(link, base, date, token);
  status('live', 'Up to date');
}

/** Per hour of each day: calls offered (all teams shown) and staff signed in (staff-hours in the hour). */
function hourly(teamWeek, staffWeek) {
  const calls = new Map();
  const staff = new Map();
  const add = (map, key, field, value) => {
    const entry = map.get(key) ?? { offered: 0, answered: 0, abandoned: 0, staff: 0 };
    entry[field] += value;
    map.set(key, entry);
  };
  for (const r of teamWeek.rows) for (const f of ['offered', 'answered', 'abandoned']) add(calls, r.period, f, r[f]);
  for (const r of staffWeek?.rows ?? []) add(staff, r.period, 'staff', r.signed_in_s / 3600);
  const teamHoursSignedIn = new Map();
  for (const r of teamWeek.rows) teamHoursSignedIn.set(r.period, Math.max(teamHoursSignedIn.get(r.period) ?? 0, r.staff_hours_signed_in));
  return (period) => ({
    ...(calls.get(period) ?? { offered: 0, answered: 0, abandoned: 0 }),
    // A PCN token sees no individual: its staff line is the busiest team's staff-hours.
    staff: staffWeek ? (staff.get(period)?.staff ?? 0) : (teamHoursSignedIn.get(period) ?? 0),
  });
}

function renderWeek(date, teamWeek, staffWeek) {
  const at = hourly(teamWeek, staffWeek);
  const days = weekOf(date);
  const all = days.flatMap((d) => hours.map((h) => at(`${d}T${h}`)));
  const maxCalls = Math.max(1, ...all.map((x) => x.offered));
  const maxStaff = Math.max(1, ...all.map((x) => x.staff));
  const W = 960;
  const H = 72;
  const top = 8;
  const bottom = 20;
  const step = W / 24;
  const y = (v, max) => H - bottom - ((H - bottom - top) * v) / max;
  const week = $('#week');
  week.replaceChildren(el('p', { class: 'scale' }, `Every day on one scale: the tallest bar is ${maxCalls} calls in an hour; the line's highest point ${staffText(maxStaff)} staff signed in.`));
  for (const d of days) {
    const figures = hours.map((h) => at(`${d}T${h}`));
    const total = figures.reduce((a, x) => a + x.offered, 0);
    const peak = figures.reduce((best, x, i) => (x.offered > figures[best].offered ? i : best), 0);
    const label = `${dayName(d)}: ${total} calls offered${total ? `, most at ${hours[peak]} (${figures[peak].offered}) with ${staffText(figures[peak].staff)} staff signed in` : ''}`;
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label }, svg('title', {}, label));
    chart.append(svg('line', { class: 'baseline', x1: 0, x2: W, y1: H - bottom, y2: H - bottom }));
    figures.forEach((x, i) => {
      if (x.offered) chart.append(svg('rect', { class: 'calls', x: i * step + 3, width: step - 6, y: y(x.offered, maxCalls), height: H - bottom - y(x.offered, maxCalls) }, svg('title', {}, `${hours[i]}: ${x.offered} calls, ${staffText(x.staff)} staff`)));
      if (i % 2 === 0) chart.append(svg('text', { class: 'axis', x: i * step + 2, y: H - 5 }, hours[i]));
    });
    chart.append(svg('polyline', { class: 'staffline', points: figures.map((x, i) => `${i * step + step / 2},${y(x.staff, maxStaff)}`).join(' ') }));
    week.append(el('div', { class: 'day-chart' }, el('span', { class: 'day' }, dayName(d).split(' ')[0]), chart));
  }
  const tbody = $('#hours tbody');
  tbody.replaceChildren();
  for (const h of hours) {
    const x = at(`${date}T${h}`);
    if (!x.offered && !x.staff) continue;
    tbody.append(el('tr', { 'data-hour': h }, el('th', { scope: 'row' }, h), cell(x.offered), cell(x.answered), cell(x.abandoned), cell(Math.round(x.staff * 100) / 100, staffText(x.staff))));
  }
}

const STATES = [['available_s', 'available', 'available'], ['on_call_s', 'on-call', 'on a call'], ['wrap_up_s', 'wrap-up', 'wrap-up'], ['away_s', 'away', 'away']];

function stateBar(t) {
  const total = t.signed_in_s;
  const label = total ? `Signed in ${clock(total)}: ${STATES.map(([k, , name]) => `${name} ${clock(t[k])}`).join(', ')}` : 'Not signed in';
  const bar = svg('svg', { viewBox: '0 0 100 10', preserveAspectRatio: 'none', role: 'img', 'aria-label': label }, svg('title', {}, label));
  let x = 0;
  for (const [k, cls] of STATES) {
    if (!total || !t[k]) continue;
    const w = (100 * t[k]) / total;
    bar.append(svg('rect', { class: cls, x, y: 0, width: w, height: 10 }));
    x += w;
  }
  return bar;
}

/** The figures each table shows, in its column order, with how each is written. */
const STAFF_CELLS = [['calls_answered', String], ['callbacks_made', String], ['talk_s', clock], ['mean_talk_s', secondsText], ['p90_talk_s', secondsText], ['wrap_up_s', clock], ['rings_not_answered', String], ['signed_in_s', clock], ['available_s', clock], ['on_call_s', clock], ['away_s', clock]];
const TEAM_CELLS = [['offered', String], ['answered', String], ['abandoned', String], ['callback_requests', String], ['overflowed_in', String], ['overflowed_out', String], ['mean_wait_s', secondsText], ['p90_wait_s', secondsText], ['within_target_pct', percentText], ['staff_hours_signed_in', (v) => v.toFixed(2)]];

const figuresRow = (attrs, name, figures, cells, chart) =>
  el('tr', attrs, el('th', { scope: 'row' }, name), ...cells.map(([k, text]) => cell(figures[k], text(figures[k]))), el('td', {}, chart));

function renderStaff(report) {
  $('#staff-day tbody').replaceChildren(...report.totals.map((t) => figuresRow({ 'data-staff': t.staff }, t.name, t, STAFF_CELLS, stateBar(t))));
}

function renderTeams(report) {
  const rows = report.totals.map((t) => {
    const days = report.rows.filter((r) => r.team === t.team);
    const label = `${t.name}, answered within target: ${days.map((d) => `${dayName(d.period).split(' ')[0]} ${percentText(d.within_target_pct)}`).join(', ')}`;
    const chart = svg('svg', { viewBox: '0 0 70 10', preserveAspectRatio: 'none', role: 'img', 'aria-label': label }, svg('title', {}, label));
    days.forEach((d, i) => {
      if (d.within_target_pct === null) return;
      chart.append(svg('rect', { class: 'ok', x: i * 10 + 1, y: 10 - d.within_target_pct / 10, width: 8, height: d.within_target_pct / 10 }));
      chart.append(svg('rect', { class: 'miss', x: i * 10 + 1, y: 0, width: 8, height: 10 - d.within_target_pct / 10 }));
    });
    return figuresRow({ 'data-team': t.team }, t.name, t, TEAM_CELLS, chart);
  });
  $('#teams tbody').replaceChildren(...rows);
}

/** A CSV link: the API's address, fetched with the token (a plain link cannot send it) and saved. */
function csvLink(link, base, date, token) {
  const href = `${base}/${link.dataset.path}?${link.dataset.query}&date=${date}&format=csv`;
  link.href = href;
  link.setAttribute('aria-label', `Download ${link.closest('table').querySelector('caption').firstChild.textContent.trim()} as CSV`);
  link.addEventListener('click', (e) => {
    e.preventDefault();
    void saveDownload(href, token, 'report.csv');
  });
}

$('#choose').addEventListener('submit', (e) => {
  e.preventDefault();
  params.set('date', $('#choose').date.value);
  location.search = params.toString();
});
start().catch((err) => {
  $('#status').textContent = err.message;
  $('#status').dataset.kind = 'error';
});
