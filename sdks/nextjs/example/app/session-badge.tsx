'use client';
// The session as client components see it: claims and expiry from /auth/session.
import { useSession } from '@qeetid/nextjs/client';

export function SessionBadge() {
  const { status, session } = useSession();
  if (status === 'loading') return <p data-testid="badge">Checking your session…</p>;
  if (status === 'unauthenticated') return <p data-testid="badge">Not signed in.</p>;
  return <p data-testid="badge">Signed in as {session.user.email ?? session.user.sub}.</p>;
}
