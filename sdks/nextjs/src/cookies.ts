/**
 * Cookies as the SDK writes them: one jar interface over a raw request (route
 * handlers, middleware) or Next's `cookies()`, `__Host-` names on https, and values
 * split into chunks where one cookie would pass what browsers keep.
 */

/** The largest value written as one cookie; longer ones are split (browsers keep ~4 KB per cookie). */
export const CHUNK_BYTES = 3500;

/** How the SDK's cookies are written. */
export interface CookieAttributes {
  /** Seconds until the browser drops it; 0 deletes it. */
  maxAge: number;
  /** `Secure` (the app is on https). */
  secure: boolean;
}

/** Cookies to read and write: the request's, with this response's changes applied. */
export interface CookieJar {
  /** The cookie's current value. */
  get(name: string): string | undefined;
  /** Every cookie name present. */
  names(): string[];
  /** Writes (or, with `maxAge` 0, deletes) a cookie: `HttpOnly`, `SameSite=Lax`, `Path=/`. */
  set(name: string, value: string, attributes: CookieAttributes): void;
}

/** The name a cookie gets: `__Host-` prefixed on https (bound to the host, `Secure`, `Path=/`). */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

/** A `Set-Cookie` header value for `name`. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`];
  if (attributes.maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (attributes.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The cookies of a `Cookie` header (the first of repeated names wins, as in browsers' order). */
export function parseCookieHeader(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (name && !cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

/**
 * The jar of a raw request: reads its `Cookie` header, records every write as a
 * `Set-Cookie` for the response, and answers reads after writes with the new values.
 */
export class RequestCookieJar implements CookieJar {
  private readonly current: Map<string, string>;
  private readonly written = new Map<string, string>();

  constructor(header: string | null) {
    this.current = parseCookieHeader(header);
  }

  get(name: string): string | undefined {
    return this.current.get(name);
  }

  names(): string[] {
    return [...this.current.keys()];
  }

  set(name: string, value: string, attributes: CookieAttributes): void {
    if (attributes.maxAge <= 0) this.current.delete(name);
    else this.current.set(name, value);
    this.written.set(name, serializeCookie(name, attributes.maxAge <= 0 ? '' : value, attributes));
  }

  /** The `Set-Cookie` values of every write, in order. */
  setCookieHeaders(): string[] {
    return [...this.written.values()];
  }

  /** Whether anything was written. */
  changed(): boolean {
    return this.written.size > 0;
  }

  /** A `Cookie` header holding the cookies as they are after the writes (for the rendering that follows middleware). */
  cookieHeader(): string {
    return [...this.current].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Adds the writes to `headers` as `Set-Cookie` lines. */
  applyTo(headers: Headers): void {
    for (const line of this.setCookieHeaders()) headers.append('set-cookie', line);
  }
}

function chunkName(name: string, index: number): string {
  return `${name}.${index}`;
}

/** Reads a value written by {@link writeChunked}: the single cookie, or its chunks in order. */
export function readChunked(jar: CookieJar, name: string): string | undefined {
  const whole = jar.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let index = 0; ; index++) {
    const chunk = jar.get(chunkName(name, index));
    if (!chunk) break;
    chunks.push(chunk);
  }
  return chunks.length > 0 ? chunks.join('') : undefined;
}

/** The chunks of `name` present in the jar, by index. */
function presentChunks(jar: CookieJar, name: string): number[] {
  const prefix = `${name}.`;
  return jar
    .names()
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .map((n) => Number(n.slice(prefix.length)));
}

/**
 * Writes `value` as one cookie, or in chunks `name.0`, `name.1`, … past
 * {@link CHUNK_BYTES}, and deletes what an earlier, longer or shorter, write left.
 */
export function writeChunked(jar: CookieJar, name: string, value: string, attributes: CookieAttributes): void {
  const stale = presentChunks(jar, name);
  if (value.length <= CHUNK_BYTES) {
    jar.set(name, value, attributes);
    for (const index of stale) jar.set(chunkName(name, index), '', { ...attributes, maxAge: 0 });
    return;
  }
  const count = Math.ceil(value.length / CHUNK_BYTES);
  for (let index = 0; index < count; index++) {
    jar.set(chunkName(name, index), value.slice(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES), attributes);
  }
  if (jar.get(name) !== undefined) jar.set(name, '', { ...attributes, maxAge: 0 });
  for (const index of stale) if (index >= count) jar.set(chunkName(name, index), '', { ...attributes, maxAge: 0 });
}

/** Deletes `name` and all its chunks. */
export function deleteChunked(jar: CookieJar, name: string, secure: boolean): void {
  const gone = { maxAge: 0, secure };
  if (jar.get(name) !== undefined) jar.set(name, '', gone);
  for (const index of presentChunks(jar, name)) jar.set(chunkName(name, index), '', gone);
}
