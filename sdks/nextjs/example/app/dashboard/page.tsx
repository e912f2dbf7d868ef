// A protected page (proxy.ts sends signed-out visitors to sign in). Server
// components read the session; they never refresh tokens (the proxy did).
import { auth, signOut } from '@qeetid/nextjs/server';
import { qeetid } from '@/lib/qeetid';

export const dynamic = 'force-dynamic';

export default async function Dashboard() {
  const session = await auth(qeetid);
  if (!session) return <p>Not signed in.</p>;
  const { user } = session;
  async function signOutAction() {
    'use server';
    await signOut(qeetid);
  }
  return (
    <main>
      <h1>Dashboard</h1>
      <dl>
        <dt>User</dt><dd data-testid="sub">{user.sub}</dd>
        <dt>E-mail</dt><dd data-testid="email">{user.email}</dd>
        <dt>Tenant</dt><dd>{user.tid}</dd>
        <dt>Signed in with</dt><dd data-testid="amr">{(user.amr ?? []).join(' ')}</dd>
        <dt>Assurance</dt><dd data-testid="acr">{user.acr}</dd>
        <dt>Access token valid until</dt>
        <dd data-testid="access-expiry">{new Date(session.accessTokenExpiresAt * 1000).toISOString()}</dd>
      </dl>
      <p><a href="/auth/login?acr_values=aal2&returnTo=/dashboard">Verify with a second factor</a></p>
      <p><a href="/api/me">Your profile from Qeet ID (an API call with the access token)</a></p>
      <form action={signOutAction}>
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
