import t from 'tap';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { liveDirectory } from '../../../fixtures/live.js';

t.test('the live pages are served from Switchboard itself, with a strict content policy', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory() });
  for (const page of ['/wallboard', '/staff', '/icb']) {
    const res = await fetch(sb.url + page);
    t.equal(res.status, 200, page);
    t.match(res.headers.get('content-type'), /^text\/html/);
    t.match(res.headers.get('content-security-policy'), /default-src 'self'; connect-src 'self'/, 'nothing loads from elsewhere');
    const html = await res.text();
    t.notMatch(html, /https?:\/\//, 'no external URL in the page');
    t.notMatch(html, /<script>/, 'no inline script');
  }
  const js = await fetch(`${sb.url}/live/live.js`);
  t.equal(js.status, 200);
  t.match(js.headers.get('content-type'), /^text\/javascript/);
  for (const missing of ['/live/nope.js', '/live/wallboard.html']) {
    const res = await fetch(sb.url + missing);
    t.equal(res.status, 404, missing);
    t.match(await res.json(), { detail: /no file/ });
  }
});
