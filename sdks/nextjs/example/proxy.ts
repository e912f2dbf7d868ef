// Next.js 16 calls this before every matched request (it is `middleware.ts` in
// Next.js 14 and 15): tokens are refreshed here, where cookies can be written, so the
// pages that render afterwards read fresh ones; /dashboard and /api/me need a session.
import { withAuth } from '@qeetid/nextjs';
import { qeetid } from '@/lib/qeetid';

export const proxy = withAuth({ protect: ['/dashboard', '/api/me'], qeetid });

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
