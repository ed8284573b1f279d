// Shared by the wallboard and the staff panel: sign-in, the live socket, and small formatters.
// People sign in with their NHS identity (a session cookie the page never sees); a kiosk screen
// uses an access token, kept in this browser (storage) and sent in Authorization headers. The
// socket is opened with a one-time ticket sent as its first message, so no token is ever in a URL.

export const $ = (sel) => document.querySelector(sel);

export const STATUS_TEXT = { available: 'Available', ringing: 'Ringing', 'on-call': 'On a call', 'wrap-up': 'Wrap-up', away: 'Away', offline: 'Offline' };

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

/** "4:05", "1:02:03": a duration in seconds as a clock reads it. */
export function clock(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds === '*') return '*';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

// '*': a small number suppressed for this account (docs/statistics.md), shown as it is.
export const pct = (p) => (p === null || p === undefined ? '–' : p === '*' ? '*' : `${p}%`);

/** green, amber or red for a value against amber/red thresholds (red wins when both are met). */
export function level(value, amber, red) {
  if (value === null || value === undefined) return 'ok';
  if (value >= red) return 'red';
  if (value >= amber) return 'amber';
  return 'ok';
}

/** The same for a figure where lower is worse (a share answered within target): amber below amber, red below red. */
export function levelBelow(value, amber, red) {
  if (value === null || value === undefined) return 'ok';
  if (value < red) return 'red';
  if (value < amber) return 'amber';
  return 'ok';
}

/**
 * Fills `list` with `rows`, then drops rows from the end until `box` (the list itself, or the
 * panel holding a table) no longer overflows, ending with a "+N more" row where N = total − shown.
 * A box that can grow (a phone's scrolling page) keeps every row.
 */
export function fitRows(list, rows, total, more, box = list) {
  list.replaceChildren(...rows);
  let shown = rows.length;
  let moreNode = null;
  const showMore = () => {
    const next = total > shown ? more(total - shown) : null;
    if (moreNode) moreNode.remove();
    if (next) list.append(next);
    moreNode = next;
  };
  showMore();
  const overflows = () => box.scrollHeight > box.clientHeight;
  if (shown === 0 || !overflows()) return shown;
  // Jump close to the answer with the first row's height, then step one row at a time.
  const estimate = Math.max(0, Math.floor(box.clientHeight / Math.max(1, rows[0].getBoundingClientRect().height)) - 1);
  while (shown > estimate + 1 && shown > 0) rows[--shown].remove();
  showMore();
  while (shown > 0 && overflows()) {
    rows[--shown].remove();
    showMore();
  }
  return shown;
}

/** What screen readers hear: a short summary when it changes in a way that matters, never the ticking times. */
let announced = { text: '', at: 0 };
export function announce(text, urgent = false) {
  const now = Date.now();
  if (text === announced.text || (!urgent && now - announced.at < 60_000)) return;
  announced = { text, at: now };
  $('#announce').textContent = text;
}

/** Authorization headers for a token; none for a signed-in person (their session cookie goes by itself). */
export const authHeaders = (token) => (token ? { authorization: `Bearer ${token}` } : {});

/**
 * Who is signing in: a person already signed in (resolves null: the session cookie does the
 * rest), a saved token, or the sign-in form: the link to the NHS sign-in where this Switchboard
 * has one, and a token field for screens. Resolves with the token entered.
 */
export async function tokenFrom(storage, key) {
  const session = await fetch('/auth/session').then((r) => (r.ok ? r.json() : {}), () => ({}));
  if (session.signedIn) return null;
  const saved = storage.getItem(key);
  if (saved) return saved;
  const form = $('#signin');
  form.hidden = false;
  const link = $('#signin-nhs');
  link.hidden = !session.signInAvailable;
  link.href = `/auth/sign-in?return=${encodeURIComponent(location.pathname + location.search)}`;
  return new Promise((resolve) => {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = form.token.value.trim();
      if (!token) return;
      storage.setItem(key, token);
      form.hidden = true;
      resolve(token);
    });
  });
}

/** The Sign out button: a screen forgets its token; a person's session ends on the server, then at the NHS sign-in service where it offers that. */
export function wireSignOut(storage, key, token) {
  $('#signout').addEventListener('click', async () => {
    if (token) {
      storage.removeItem(key);
      return location.reload();
    }
    const res = await fetch('/auth/sign-out', { method: 'POST', headers: { accept: 'application/json' } });
    location.assign(res.ok ? (await res.json()).next : '/auth/signed-out');
  });
}

/** Fetches a file with the page's token (a plain link cannot send it) and saves it under the name the server gives. */
export async function saveDownload(href, token, fallbackName) {
  const res = await fetch(href, { headers: authHeaders(token) });
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const a = el('a', { href: URL.createObjectURL(await res.blob()), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * Keeps a live view of one scope: fetches a ticket, opens the socket, authenticates, subscribes,
 * and applies snapshots and section updates; reconnects with back-off (a reconnect starts with a
 * full snapshot). `chooseScope(ticketInfo)` picks the scope once the token's role is known.
 */
function live({ token, chooseScope, onState, onStatus, onSignedOut }) {
  let state = null;
  let offset = 0; // server clock minus this browser's clock
  let retry = 0;
  const statusOf = (s, text) => onStatus?.(s, text);

  async function open() {
    statusOf('connecting', 'Connecting…');
    let info;
    try {
      const res = await fetch('/v1/live/tickets', { method: 'POST', headers: authHeaders(token) });
      if (res.status === 401) return onSignedOut?.(token ? 'That token was not recognised.' : 'Your session has ended.');
      if (!res.ok) throw new Error(`tickets: ${res.status}`);
      info = await res.json();
    } catch {
      return later();
    }
    const scope = chooseScope(info);
    if (!scope) return;
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/live`);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', ticket: info.ticket }));
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.at) offset = m.at - Date.now();
      if (m.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', scope }));
      else if (m.type === 'snapshot') {
        retry = 0;
        state = m.snapshot;
        statusOf('live', 'Live');
        onState(state, info);
      } else if (m.type === 'update' && state) {
        Object.assign(state, m.sections);
        onState(state, info);
      } else if (m.type === 'error') statusOf('error', m.message);
    };
    ws.onclose = (e) => {
      if (e.code === 4403 || e.code === 4404) return statusOf('error', e.reason || 'Not allowed');
      later();
    };
  }
  function later() {
    statusOf('offline', 'Reconnecting…');
    setTimeout(open, Math.min(10_000, 500 * 2 ** retry++));
  }
  void open();
  return { serverNow: () => Date.now() + offset, state: () => state };
}

/** Sets a figure's text and, given a level, its tile's colour. */
export function set(id, text, lvl) {
  const node = $(`#${id}`);
  node.textContent = text;
  if (lvl) node.closest('.tile').dataset.level = lvl;
}

export function setStatus(kind, text) {
  const node = $('#status');
  node.textContent = text;
  node.dataset.kind = kind;
}

/** Times count up every second between messages, on the server's clock: longest wait, [data-since], the clock. */
export function tickTimes(view) {
  const s = view?.state();
  if (!s) return;
  const now = view.serverNow();
  const longest = s.live.longestWaitingSince === null ? null : (now - s.live.longestWaitingSince) / 1000;
  set('longest', longest === null ? '–' : clock(longest), level(longest ?? 0, s.thresholds.longestWaitAmberSeconds, s.thresholds.longestWaitRedSeconds));
  for (const n of document.querySelectorAll('[data-since]')) n.textContent = clock((now - Number(n.dataset.since)) / 1000);
  $('#clock').textContent = new Date(now).toLocaleTimeString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });
}

/**
 * Signs in (token kept in `storage` under `key`), keeps the live view of the scope `chooseScope`
 * picks, calls `render(state, ticketInfo)` on every change, and ticks the times every second.
 */
export async function startScreen({ storage, key, chooseScope, render }) {
  const token = await tokenFrom(storage, key);
  wireSignOut(storage, key, token);
  const view = live({
    token,
    chooseScope,
    onState: (state, info) => {
      render(state, info);
      tickTimes(view);
    },
    onStatus: setStatus,
    onSignedOut: (why) => {
      storage.removeItem(key);
      setStatus('error', `${why} Reload to sign in again.`);
    },
  });
  setInterval(() => tickTimes(view), 1000);
  return { view, token };
}
