/** The cookie jar over Next's `cookies()`, for server components, server actions and route handlers. */

import type { CookieAttributes, CookieJar } from './cookies.js';

/** The part of Next's `cookies()` store the SDK uses (the same in Next.js 14, 15 and 16). */
export interface NextCookieStore {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string }[];
  set(options: {
    name: string; value: string; httpOnly: boolean; sameSite: 'lax'; path: string; secure: boolean; maxAge: number; expires?: Date;
  }): unknown;
}

/** Next's cookies as a {@link CookieJar}. */
export class NextCookieJar implements CookieJar {
  constructor(private readonly store: NextCookieStore) {}

  get(name: string): string | undefined {
    return this.store.get(name)?.value;
  }

  names(): string[] {
    return this.store.getAll().map((c) => c.name);
  }

  set(name: string, value: string, attributes: CookieAttributes): void {
    this.store.set({
      name,
      value: attributes.maxAge <= 0 ? '' : value,
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: attributes.secure,
      maxAge: Math.max(0, Math.floor(attributes.maxAge)),
      ...(attributes.maxAge <= 0 ? { expires: new Date(0) } : {}),
    });
  }

  /**
   * Whether this context may write cookies: server actions and route handlers may,
   * server components may not (Next throws). Probed with a harmless deletion.
   */
  writable(secure: boolean): boolean {
    try {
      this.set(secure ? '__Host-qeetid.probe' : 'qeetid.probe', '', { maxAge: 0, secure });
      return true;
    } catch {
      return false;
    }
  }
}
