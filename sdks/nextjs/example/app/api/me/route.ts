// A route handler calling an API (Qeet ID's userinfo) with the user's access token.
// getAccessToken() refreshes it here when it is about to expire.
import { getAccessToken } from '@qeetid/nextjs/server';
import { qeetid } from '@/lib/qeetid';

export const dynamic = 'force-dynamic';

export async function GET() {
  let token: string;
  try {
    token = await getAccessToken(qeetid);
  } catch {
    return Response.json({ error: 'unauthenticated' }, { status: 401 });
  }
  const issuer = process.env.QEETID_ISSUER ?? '';
  const discovery = await (await fetch(new URL('/.well-known/openid-configuration', issuer))).json();
  const userinfo = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${token}` } });
  return Response.json(await userinfo.json(), { status: userinfo.status });
}
