import { $, authHeaders, clock, el, level, set, setStatus, startScreen, STATUS_TEXT } from './live.js';
import { showCaller, useToken } from './caller-card.js';

const KEY = 'switchboard.staff.token';
const BUSY_TEXT = { ringing: 'being rung', 'on-call': 'on a call', 'wrap-up': 'in wrap-up' };
let me = null;

function chooseScope(info) {
  if (info.role !== 'staff' || !info.staff) {
    sessionStorage.removeItem(KEY);
    setStatus('error', 'The staff panel is for members of staff: sign in as yourself (not with a practice, PCN or ICB account). Reload to try again.');
    return null;
  }
  me = info.staff;
  $('#who').textContent = me.name;
  $('#panel').hidden = false;
  return { practice: info.practice };
}

function render(s) {
  const row = s.staff?.find((m) => m.id === me.id);
  const status = row?.status ?? 'offline';
  const pill = $('#my-status');
  pill.className = `pill ${status}`;
  pill.textContent = STATUS_TEXT[status];
  const since = $('#my-since');
  if (row?.since) since.dataset.since = String(row.since);
  else delete since.dataset.since;
  if (!row?.since) since.textContent = '–';
  $('#my-answered').textContent = String(row?.answeredToday ?? 0);
  $('#wrap-up-row').hidden = status !== 'wrap-up';
  // Ringing, on a call and wrap-up leave the person's own choice in place: said in words, so the
  // pressed "Available" is not read as the state they are in now.
  const chosen = row?.presence ?? 'offline';
  for (const b of document.querySelectorAll('.presence button')) b.setAttribute('aria-pressed', String(b.dataset.state === chosen));
  $('#presence-note').textContent = status in BUSY_TEXT ? `You are ${BUSY_TEXT[status]}. When it is over you will be ${STATUS_TEXT[chosen]}${chosen === 'available' ? ' for the next caller' : ''}.` : '';

  const call = row?.call;
  void showCaller(me.id, call);
  $('#no-caller').hidden = Boolean(call);
  $('#caller').hidden = !call;
  if (call) {
    $('#caller-number').textContent = call.caller;
    $('#caller-team').textContent = call.team.split('.').pop();
    $('#caller-waited').textContent = clock(call.waitedSeconds);
    const talking = $('#caller-talking');
    if (call.answeredAt) talking.dataset.since = String(call.answeredAt);
    else delete talking.dataset.since;
    talking.textContent = call.answeredAt ? '' : 'not yet: your phone is ringing';
    $('#caller-callback').textContent = call.callBack ? 'Yes: we rang them back' : 'No';
  }
  // Pausing the recording (a card number, a disclosure the practice chooses not to keep): only once the caller is talking to you.
  const onCall = Boolean(call?.answeredAt);
  if (!onCall) recordingPaused = false;
  $('#recording-row').hidden = !onCall;
  if (!onCall) $('#recording-state').textContent = '';
  set('waiting', String(s.live.waiting), level(s.live.waiting, s.thresholds.waitingAmber, s.thresholds.waitingRed));

  // Failed call-backs: who, which team, why; ring again (back to the head of the queue) or mark dealt with.
  const failed = $('#failed');
  failed.replaceChildren();
  const rows = s.failedCallbacks ?? [];
  if (rows.length === 0) failed.append(el('li', { class: 'empty' }, 'No failed call-backs.'));
  for (const f of rows) {
    const again = el('button', { type: 'button', 'data-action': 'retry' }, 'Ring again');
    const done = el('button', { type: 'button', 'data-action': 'done' }, 'Dealt with');
    again.addEventListener('click', () => void actOnCallback(f.id, 'POST', `/v1/callbacks/${encodeURIComponent(f.id)}/retry`));
    done.addEventListener('click', () => void actOnCallback(f.id, 'DELETE', `/v1/callbacks/${encodeURIComponent(f.id)}`));
    failed.append(el('li', { 'data-id': f.id }, el('span', { class: 'num' }, f.caller), el('span', { class: 'team' }, f.team.split('.').pop()), el('span', {}, `${f.attempts} tries: ${f.reason}`), again, done));
  }
}

async function actOnCallback(id, method, path) {
  const res = await fetch(path, { method, headers: authHeaders(token) });
  $('#presence-error').textContent = res.ok ? '' : ((await res.json()).detail ?? `Could not update the call-back (${res.status}).`);
}

async function setPresence(state) {
  const res = await fetch(`/v1/staff/${encodeURIComponent(me.id)}/presence`, {
    method: 'PUT',
    headers: { ...authHeaders(token), 'content-type': 'application/json' },
    body: JSON.stringify({ state }),
  });
  $('#presence-error').textContent = res.ok ? '' : ((await res.json()).detail ?? `Could not change status (${res.status}).`);
}

let recordingPaused = false;

async function toggleRecording() {
  const action = recordingPaused ? 'resume' : 'pause';
  const res = await fetch(`/v1/staff/${encodeURIComponent(me.id)}/recording/${action}`, { method: 'POST', headers: authHeaders(token) });
  const body = await res.json();
  if (!res.ok) {
    $('#recording-state').textContent = body.detail ?? `Could not ${action} the recording (${res.status}).`;
    return;
  }
  recordingPaused = body.status === 'paused';
  const button = $('#recording-toggle');
  button.textContent = recordingPaused ? 'Resume recording' : 'Pause recording';
  button.setAttribute('aria-pressed', String(recordingPaused));
  $('#recording-state').textContent = recordingPaused ? 'Recording paused: nothing said now is kept.' : 'Recording.';
}

async function endWrapUp() {
  const res = await fetch(`/v1/staff/${encodeURIComponent(me.id)}/wrap-up/end`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  $('#presence-error').textContent = res.ok ? '' : ((await res.json()).detail ?? `Could not end wrap-up (${res.status}).`);
}

const { view, token } = await startScreen({ storage: sessionStorage, key: KEY, chooseScope, render });
useToken(token);
for (const b of document.querySelectorAll('.presence button')) b.addEventListener('click', () => void setPresence(b.dataset.state));
$('#end-wrap-up').addEventListener('click', () => void endWrapUp());
$('#recording-toggle').addEventListener('click', () => void toggleRecording());
