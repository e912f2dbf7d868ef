import { auth, signIn } from '@qeetid/nextjs/server';
import { qeetid } from '@/lib/qeetid';
import { SessionBadge } from './session-badge';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const session = await auth(qeetid);
  async function signInAction() {
    'use server';
    await signIn({ returnTo: '/dashboard' }, qeetid);
  }
  return (
    <main>
      <h1>Qeet ID × Next.js</h1>
      <SessionBadge />
      {session ? (
        <p><a href="/dashboard">Open your dashboard</a></p>
      ) : (
        <form action={signInAction}>
          <button type="submit">Sign in</button>
        </form>
      )}
    </main>
  );
}
