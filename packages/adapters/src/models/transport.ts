import { UserError } from '@baton/core';
import { invalidResponse, ResponseTooLargeError } from './provider-error.ts';

/** Where each vendor's own API lives: the only hosts its environment key is ever sent to. */
export const VENDOR_API = {
  openai: { url: 'https://api.openai.com/v1', host: 'api.openai.com', keyEnv: 'OPENAI_API_KEY' },
  anthropic: { url: 'https://api.anthropic.com', host: 'api.anthropic.com', keyEnv: 'ANTHROPIC_API_KEY' },
} as const;

export type Vendor = keyof typeof VENDOR_API;

/** The base URL, checked: an absolute http(s) URL, or a UserError naming `field`. */
export function checkedBaseURL(baseURL: string, field = 'baseURL'): URL {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new UserError(`must be an absolute http:// or https:// URL, got ${JSON.stringify(baseURL)}`, { field, code: 'user.invalid-url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UserError(`must be an http:// or https:// URL, got ${JSON.stringify(baseURL)}`, { field, code: 'user.invalid-url' });
  return url;
}

/** True when `baseURL` is absent or is the vendor's own API over https. */
export function isVendorHost(vendor: Vendor, baseURL: string | undefined): boolean {
  if (baseURL === undefined) return true;
  const url = checkedBaseURL(baseURL);
  return url.protocol === 'https:' && url.hostname === VENDOR_API[vendor].host && url.port === '';
}

/**
 * The key a vendor adapter sends: the explicit one, else the vendor's environment variable, which is read only when
 * the request goes to the vendor's own host (a custom `baseURL` never receives `OPENAI_API_KEY` or
 * `ANTHROPIC_API_KEY`; pass its own key explicitly or name one in a binding's `apiKeyEnv`).
 */
export function vendorApiKey(vendor: Vendor, explicit: string | undefined, baseURL: string | undefined): string | undefined {
  if (explicit !== undefined && explicit !== '') return explicit;
  if (!isVendorHost(vendor, baseURL)) return undefined;
  const { keyEnv } = VENDOR_API[vendor];
  const key = process.env[keyEnv];
  if (key !== undefined && key !== '') return key;
  throw new UserError(`no API key for ${vendor}: set the ${keyEnv} environment variable or pass apiKey`, {
    field: 'apiKey',
    code: 'user.missing-api-key',
  });
}

/**
 * A fetch whose answers may not exceed `maxBytes`: a declared `content-length` over the cap fails before the body
 * is read, and a body that grows past it fails as soon as it does, so a hostile server cannot fill memory.
 */
export function guardedFetch(maxBytes: number): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    if (response.body === null) return response;
    let seen = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) controller.error(new ResponseTooLargeError(maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/**
 * A streamed call must be answered with an event stream: anything else (a JSON or HTML body) is an unusable answer
 * found from the headers, before any of the body is read. `cancel` drops the body.
 */
export function expectEventStream(provider: string, response: Response, cancel: () => void): void {
  const type = response.headers.get('content-type') ?? '';
  if (type.split(';')[0]?.trim().toLowerCase() === 'text/event-stream') return;
  cancel();
  throw invalidResponse(
    provider,
    `a streamed call was answered with ${type === '' ? 'no content type' : `"${type}"`}, not an event stream`,
  );
}
