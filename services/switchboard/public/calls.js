// Find a call: a practice manager searches the practice's call records (docs/calls.md) through
// GET /v1/practices/:ods/calls/search. The digits of a caller's number never go in this page's
// address (nor its history): only the other filters do, so a search can be bookmarked.
import { $, authHeaders, clock, el, saveDownload, setStatus, tokenFrom, wireSignOut } from './live.js';

const KEY = 'switchboard.calls.token';
const PAGE = 50;
const FILTERS = ['from', 'to', 'fromTime', 'toTime', 'team', 'staff'];
const OUTCOMES = { answered: 'Answered', abandoned: 'Hung up waiting', ivr: 'Ended before queueing', 'callback-requested': 'Asked for a call-back' };
const params = new URLSearchParams(location.search);
const cameIn = (iso) => new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

let token;
let base;
let practicePath;
let offset = 0;

/** The search the form holds, as the API's query; `csv` for every match as a file. */
function query(csv = false) {
  const form = $('#search');
  const q = new URLSearchParams();
  for (const name of [...FILTERS, 'digits']) if (form[name].value.trim()) q.set(name, form[name].value.trim());
  if (csv) {
    q.set('format', 'csv');
  } else {
    q.set('limit', String(PAGE));
    q.set('offset', String(offset));
  }
  return q;
}

/** Keeps the filters (never the digits) in the address, so reloading shows the same search. */
function remember() {
  const kept = new URLSearchParams(params.has('practice') ? { practice: params.get('practice') } : {});
  for (const [k, v] of query()) if (FILTERS.includes(k)) kept.set(k, v);
  history.replaceState(null, '', `?${kept}`);
}

/** "••• ••• •123" with the last three digits, read out as "ending 1 2 3". */
function callerCell(last3) {
  if (!last3) return el('td', { 'data-value': '', class: 'caller' }, 'withheld');
  return el('td', { 'data-value': last3, class: 'caller' }, el('span', { 'aria-hidden': 'true' }, '••• ••• •'), el('span', { class: 'sr-only' }, 'number ending '), last3);
}

const RECORDING = { recording: 'Being recorded', paused: 'Recording paused', absent: 'Not recorded: the provider made no audio', missing: 'Missing: the provider no longer has it' };
const times = (n) => (n === 1 ? 'once' : `${n} times`);

/**
 * The call's recording: a player for a person signed in as themselves (a practice token may not
 * play recordings: the server answers 403), how often it was paused, and whether it is held.
 */
function recordingCell(c) {
  const r = c.recording;
  if (!r) return el('td');
  const cell = el('td', { class: 'recording' });
  if (r.status !== 'completed') cell.append(el('span', {}, RECORDING[r.status] ?? r.status));
  else if (token) cell.append(el('span', {}, 'Recorded — sign in with your NHS identity to play'));
  else {
    const at = new Date(c.arrivedAt).toLocaleString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });
    cell.append(el('audio', { controls: '', preload: 'none', src: `${practicePath}/calls/${encodeURIComponent(c.callId)}/recording/audio`, 'aria-label': `Play the recording of the call at ${at}` }));
    if (r.durationSeconds !== null) cell.append(el('span', {}, clock(r.durationSeconds)));
  }
  if (r.pauses > 0) cell.append(el('span', {}, `Paused ${times(r.pauses)}`));
  if (r.held) cell.append(el('span', { class: 'held' }, 'Held'));
  if (!token && ['completed', 'missing'].includes(r.status)) cell.append(holdButton(c));
  return cell;
}

/** Hold (a complaint in progress: kept past retention) or release, then the cell as the server now has it. */
function holdButton(c) {
  const button = el('button', { type: 'button', 'aria-pressed': String(c.recording.held) }, c.recording.held ? 'Release hold' : 'Hold');
  button.addEventListener('click', async () => {
    button.disabled = true;
    const res = await fetch(`${practicePath}/calls/${encodeURIComponent(c.callId)}/recording/hold`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ held: !c.recording.held }) });
    if (!res.ok) {
      button.disabled = false;
      return setStatus('error', `The hold could not be changed (${res.status}).`);
    }
    const view = await res.json();
    const next = { ...c, recording: { ...c.recording, held: view.held } };
    button.closest('td').replaceWith(recordingCell(next));
  });
  return button;
}

function row(c) {
  const answeredBy = c.answeredBy ? (c.answeredByName ?? c.answeredBy) : '–';
  return el(
    'tr',
    { 'data-call-id': c.callId },
    el('th', { scope: 'row', 'data-value': c.arrivedAt }, cameIn(c.arrivedAt)),
    el('td', { 'data-value': c.team }, c.teamName ?? (c.team || '–')),
    el('td', { 'data-value': c.answeredBy ?? '' }, answeredBy),
    el('td', { 'data-value': c.outcome }, OUTCOMES[c.outcome] ?? c.outcome),
    el('td', { 'data-value': String(c.waitSeconds) }, clock(c.waitSeconds)),
    el('td', { 'data-value': String(c.talkSeconds) }, clock(c.talkSeconds)),
    callerCell(c.callerLast3),
    recordingCell(c),
  );
}

/** The team and staff lists, from the first answer, keeping what was chosen. */
function fillChoices(choices) {
  for (const [name, items] of [['team', choices.teams], ['staff', choices.staff]]) {
    const select = $('#search')[name];
    if (select.dataset.filled) continue;
    const chosen = select.value;
    select.replaceChildren(select.options[0], ...items.map((x) => el('option', { value: x[name] }, x.name)));
    select.value = chosen;
    select.dataset.filled = 'yes';
  }
}

function render(body) {
  fillChoices(body.choices);
  // No dates given: the server's today (London), said back.
  const form = $('#search');
  if (!form.from.value) form.from.value = body.search.from;
  if (!form.to.value) form.to.value = body.search.to;
  $('#results tbody').replaceChildren(...body.calls.map(row));
  const shown = body.calls.length;
  const s = body.search;
  const days = s.from === s.to ? s.from : `${s.from} to ${s.to}`;
  $('#summary').textContent = body.total === 0
    ? `No calls found (${days}).`
    : `${body.total} call${body.total === 1 ? '' : 's'} found (${days})${shown < body.total ? `: ${body.offset + 1}–${body.offset + shown} shown` : ''}.`;
  $('#previous').disabled = body.offset === 0;
  $('#next').disabled = body.offset + shown >= body.total;
  $('#pages').hidden = body.total <= PAGE;
  $('#page-of').textContent = `Page ${Math.floor(body.offset / PAGE) + 1} of ${Math.max(1, Math.ceil(body.total / PAGE))}`;
}

async function search() {
  setStatus('connecting', 'Searching…');
  $('#problem').textContent = '';
  $('#search').digits.removeAttribute('aria-invalid');
  const res = await fetch(`${base}?${query()}`, { headers: authHeaders(token) });
  const body = await res.json();
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    return setStatus('error', 'Your sign-in was not recognised. Reload to sign in again.');
  }
  if (!res.ok) {
    // No results beside a search that was not made: they would answer another question.
    $('#results tbody').replaceChildren();
    $('#summary').textContent = '';
    $('#pages').hidden = true;
    $('#problem').textContent = body.detail ?? `The search could not be made (${res.status}).`;
    if (/^digits/.test(body.detail ?? '')) $('#search').digits.setAttribute('aria-invalid', 'true');
    return setStatus('error', res.status === 403 ? 'Not allowed' : 'Not searched');
  }
  render(body);
  setStatus('live', 'Up to date');
}

async function start() {
  token = await tokenFrom(sessionStorage, KEY);
  wireSignOut(sessionStorage, KEY, token);
  const who = await fetch('/v1/live/tickets', { method: 'POST', headers: authHeaders(token) });
  if (!who.ok) return setStatus('error', who.status === 401 ? 'That token was not recognised. Reload to sign in again.' : 'Could not sign in.');
  const info = await who.json();
  const practice = params.get('practice') ?? info.practice;
  if (!practice) return setStatus('error', 'Add ?practice=ODS to the address to choose a practice.');
  practicePath = `/v1/practices/${encodeURIComponent(practice)}`;
  base = `${practicePath}/calls/search`;
  $('#scope-name').textContent = `Find a call · ${practice}`;
  $('#to-reports').href = `/reports?practice=${encodeURIComponent(practice)}`;
  const form = $('#search');
  for (const name of FILTERS) {
    const value = params.get(name);
    if (!value) continue;
    // Until the lists come with the first answer, a team or person from the address is its only choice.
    if (form[name].tagName === 'SELECT') form[name].append(el('option', { value }, value));
    form[name].value = value;
  }
  $('#finder').hidden = false;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    offset = 0;
    remember();
    void search();
  });
  $('#previous').addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    void search();
  });
  $('#next').addEventListener('click', () => {
    offset += PAGE;
    void search();
  });
  const csv = $('#results a.csv');
  csv.setAttribute('aria-label', 'Download every call found as CSV');
  csv.addEventListener('click', (e) => {
    e.preventDefault();
    void saveDownload(`${base}?${query(true)}`, token, 'calls.csv');
  });
  await search();
}

start().catch((err) => setStatus('error', err.message));
