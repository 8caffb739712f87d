import { timingSafeEqual } from 'node:crypto';
import { UserError } from '@baton/core';
import type { MiddlewareHandler } from 'hono';

/** Hosts that only this machine can reach. Anything else needs an access token. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The token the server will demand, or none. Binding beyond loopback without a token is refused: the API starts
 * training runs and reads audit logs from disk, which is not something to offer a whole network unauthenticated.
 */
export function resolveAccessToken(host: string, token: string | undefined): string | undefined {
  const t = token?.trim() || undefined;
  if (!t && !isLoopback(host)) {
    throw new UserError(`binding to ${host} needs an access token (--token or BATON_TOKEN); without one, serve only on 127.0.0.1`, {
      field: 'token',
    });
  }
  if (t !== undefined && t.length < 8) throw new UserError('the access token must be at least 8 characters', { field: 'token' });
  return t;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: `Authorization: Bearer <t>`, or `?token=` (EventSource cannot set headers). */
export function presentedToken(authorization: string | undefined, query: string | undefined): string | undefined {
  const m = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  return m?.[1] ?? query ?? undefined;
}

/** Checks the token on every request it guards; with no token configured (loopback) it lets everything through. */
export function requireToken(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token !== undefined && !tokenMatches(token, presentedToken(c.req.header('authorization'), c.req.query('token')))) {
      return c.json({ error: 'missing or wrong access token' }, 401);
    }
    await next();
  };
}
