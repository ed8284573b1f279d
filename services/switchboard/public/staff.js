import { $, authHeaders, clock, el, level, set, setStatus, startScreen, STATUS_TEXT } from './live.js';

const KEY = 'switchboard.staff.token';
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
  // Ringing, on a call and wrap-up leave the person's own choice (available) in place.
  const chosen = ['available', 'away', 'offline'].includes(status) ? status : 'available';
  for (const b of document.querySelectorAll('.presence button')) b.setAttribute('aria-pressed', String(b.dataset.state === chosen));

  const call = row?.call;
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

const { view, token } = await startScreen({ storage: sessionStorage, key: KEY, chooseScope, render });
for (const b of document.querySelectorAll('.presence button')) b.addEventListener('click', () => void setPresence(b.dataset.state));
