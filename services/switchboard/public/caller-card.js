// The caller card on the staff panel: who the caller being put through to you probably is, from the
// practice's clinical system. Fetched once per call from GET /v1/staff/:id/caller (only you, signed
// in with your own identity; a static token is told why not), kept on this page only while the call is with you, and never stored by the browser.
import { $, authHeaders, el } from './live.js';

let token = null;
/** Set once the page knows who is signed in (a token, or null for a session cookie). */
let signedIn = false;
let shownFor = null;

export function useToken(t) {
  token = t;
  signedIn = true;
}

const nhs = (n) => (n ? `NHS ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : 'no NHS number recorded');
const born = (d) => (d ? new Date(`${d}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }) : 'date of birth not recorded');
const line = (c) => [el('span', { class: 'who' }, `${c.name}, ${born(c.birthDate)}, ${nhs(c.nhsNumber)}`), ...(c.reasonableAdjustment ? [el('span', { class: 'pill adjust', title: 'A national reasonable-adjustment flag exists for this patient' }, 'Reasonable adjustments')] : [])];

function card() {
  let node = $('#caller-card');
  if (!node) {
    node = el('div', { id: 'caller-card', class: 'caller-card', 'aria-live': 'polite', hidden: '' });
    ($('#caller') ?? $('#panel')).after(node);
  }
  return node;
}

function render(body) {
  const node = card();
  const { outcome, candidates = [] } = body;
  node.replaceChildren();
  node.hidden = !body.configured;
  if (!body.configured) return;
  if (outcome === 'matched' && candidates.length === 1) node.append(el('p', {}, 'Probably ', ...line(candidates[0])));
  else if (outcome === 'matched') node.append(el('p', {}, `${candidates.length} patients share this number:`), el('ul', {}, ...candidates.map((c) => el('li', {}, ...line(c)))));
  else node.append(el('p', { class: 'none' }, { 'no-match': 'No match in the clinical system.', withheld: 'Number withheld: no lookup.', off: 'Clinical-system lookup is switched off.' }[outcome] ?? body.note ?? 'Lookup unavailable.'));
}

/** Called with the call the staff panel shows (or none): fetches the card once per call, clears it when the call is gone. */
export async function showCaller(staffId, call) {
  const key = call ? `${call.team}|${call.caller}` : null;
  if (key === shownFor || !signedIn) return;
  shownFor = key;
  if (!key) {
    card().replaceChildren();
    card().hidden = true;
    return;
  }
  const res = await fetch(`/v1/staff/${encodeURIComponent(staffId)}/caller`, { headers: authHeaders(token), cache: 'no-store' });
  if (shownFor !== key) return;
  if (res.ok) render(await res.json());
  else if (res.status === 403) render({ configured: true, outcome: 'refused', note: (await res.json()).detail });
  else render({ configured: true, outcome: 'unavailable' });
}
