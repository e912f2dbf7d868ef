'use client';
/**
 * `useSession()`: the signed-in user in client components, read from the route
 * handler's `/auth/session` (claims and expiry; tokens never reach the browser).
 */

import { useCallback, useEffect, useState } from 'react';
import type { Session } from './types.js';

/** What {@link useSession} answers. */
export type SessionState =
  | { status: 'loading'; session: null; refresh: () => Promise<void> }
  | { status: 'authenticated'; session: Session; refresh: () => Promise<void> }
  | { status: 'unauthenticated'; session: null; refresh: () => Promise<void> };

/** The session as the route handler sees it; `refresh()` asks again. */
export function useSession(options: { basePath?: string } = {}): SessionState {
  const basePath = options.basePath ?? '/auth';
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      const response = await fetch(`${basePath}/session`, { cache: 'no-store', credentials: 'same-origin' });
      const body = (await response.json()) as Session | { user: null };
      setSession(response.ok && body.user !== null ? (body as Session) : null);
    } catch {
      setSession(null);
    }
  }, [basePath]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  if (session === undefined) return { status: 'loading', session: null, refresh };
  if (session === null) return { status: 'unauthenticated', session: null, refresh };
  return { status: 'authenticated', session, refresh };
}
