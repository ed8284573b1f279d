/**
 * A browser without the browser, for sign-in tests over HTTP: keeps each site's cookies (by host,
 * ignoring paths, which is enough here), follows redirects one at a time, and submits forms.
 */
export class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();

  cookies(url: string): Map<string, string> {
    const host = new URL(url).host;
    if (!this.jars.has(host)) this.jars.set(host, new Map());
    return this.jars.get(host)!;
  }

  /** One request, no redirect followed; Set-Cookie taken in. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const jar = this.cookies(url);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (gone || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects (GET) from `url` until a page answers; returns it and where it was. */
  async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; url: string; text: string }> {
    let res = await this.request(url, init);
    let at = url;
    for (let hops = 0; res.status >= 300 && res.status < 400; hops++) {
      if (hops > 10) throw new Error(`too many redirects from ${url}`);
      at = new URL(res.headers.get('location')!, at).href;
      res = await this.request(at);
    }
    return { res, url: at, text: await res.text() };
  }
}

/**
 * Signs in to Switchboard at `sbUrl` through the provider's own login page, as a browser would:
 * /auth/sign-in → the provider → its login form (login and password) → back to /auth/callback.
 * Returns the final page and the jar holding Switchboard's session cookie.
 */
export async function signInOverHttp(sbUrl: string, login: string, password: string, returnTo = '/staff', jar = new CookieJar()) {
  const loginPage = await jar.follow(`${sbUrl}/auth/sign-in?return=${encodeURIComponent(returnTo)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(loginPage.text)?.[1];
  if (!action) throw new Error(`no login form at ${loginPage.url}: ${loginPage.res.status} ${loginPage.text.slice(0, 300)}`);
  const done = await jar.follow(new URL(action, loginPage.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password }).toString(),
  });
  return { ...done, jar };
}

/** The Cookie header a signed-in browser sends to Switchboard. */
export function cookieHeader(jar: CookieJar, sbUrl: string): string {
  return [...jar.cookies(sbUrl)].map(([k, v]) => `${k}=${v}`).join('; ');
}
