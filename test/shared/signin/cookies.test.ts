import t from 'tap';
import { cookie, readCookie, signValue, verifySigned } from '../../../shared/signin/cookies.js';

const SECRET = 'a-cookie-secret-of-at-least-32-characters';

t.test('a signed value comes back only with its own signature and secret', async (t) => {
  const signed = signValue('session-id', SECRET);
  t.equal(verifySigned(signed, SECRET), 'session-id');
  t.equal(verifySigned(signed, `${SECRET}x`), undefined, 'another secret');
  t.equal(verifySigned(signed.replace('session-id', 'session-ie'), SECRET), undefined, 'another value');
  t.equal(verifySigned(`${signed}A`, SECRET), undefined, 'a longer signature');
  t.equal(verifySigned('session-id', SECRET), undefined, 'no signature');
});

t.test('cookies: http-only, SameSite=Lax, Secure on https only; read back from a Cookie header', async (t) => {
  t.equal(cookie('s', 'v', { secure: false, maxAgeSeconds: 60 }), 's=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
  t.equal(cookie('s', 'v', { secure: true, maxAgeSeconds: 28800 }), 's=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=28800; Secure');
  t.equal(readCookie('a=1; switchboard_session=abc.def; b=2', 'switchboard_session'), 'abc.def');
  t.equal(readCookie('xswitchboard_session=abc', 'switchboard_session'), undefined);
  t.equal(readCookie(undefined, 'switchboard_session'), undefined);
});
