import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isLoopback } from './auth.ts';

/** The largest request body the API reads. Run settings are a few hundred bytes; nothing legitimate comes near this. */
export const MAX_BODY_BYTES = 64 * 1024;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `host[:port]` as browsers send it: a DNS name, an IPv4 address or a bracketed IPv6 address. */
const HOST_HEADER = /^(?<hostname>[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The `Host` a request was addressed to (else its URL's), lower-cased, and its name part; undefined when malformed. */
function requestHost(c: {
  req: { header(name: string): string | undefined; url: string };
}): { host: string; hostname: string } | undefined {
  const host = (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase();
  const hostname = HOST_HEADER.exec(host)?.groups?.['hostname'];
  return hostname === undefined ? undefined : { host, hostname };
}

/**
 * Refuses requests addressed to a name this server was not bound as. Without it a DNS-rebinding page
 * (`attacker.example` re-pointed at 127.0.0.1) is same-origin with the playground in the victim's browser and can read
 * `/api/audit`. Enforced when the server is bound to loopback, the only place it runs without a token; bound beyond
 * loopback, the access token is what a rebinding page lacks.
 */
export function hostGuard(boundHost: string): MiddlewareHandler {
  const enforce = isLoopback(boundHost);
  return async (c, next) => {
    if (!enforce) return next();
    const target = requestHost(c);
    if (!target || !isLoopback(target.hostname))
      return c.json({ error: 'this server only answers requests addressed to the loopback address it listens on' }, 403);
    return next();
  };
}

/**
 * Cross-site request forgery: every state-changing request must be JSON (a cross-origin page can send `text/plain` or
 * a form without the browser asking first, but not JSON) and, when the browser says where it comes from (`Origin`,
 * `Sec-Fetch-Site`), come from the playground's own origin. Non-browser clients send neither header and are not a
 * forgery vector.
 */
export function sameOriginWrites(): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return c.json({ error: 'state-changing requests must send content-type: application/json' }, 415);
    }
    const origin = c.req.header('origin');
    const target = requestHost(c);
    if (origin !== undefined && (target === undefined || origin.toLowerCase() !== `${new URL(c.req.url).protocol}//${target.host}`)) {
      return c.json({ error: 'cross-origin request refused' }, 403);
    }
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return c.json({ error: 'cross-site request refused' }, 403);
    return next();
  };
}

/** Caps every request body at `MAX_BODY_BYTES` while it streams in (a 300 MB POST is refused, not buffered). */
export function capBodies(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: `request body over ${MAX_BODY_BYTES / 1024} KiB` }, 413),
  });
}
