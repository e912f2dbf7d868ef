// Next.js 14 and 15 call `middleware` before every matched request, on the edge
// runtime: tokens are refreshed here, and /dashboard and /api/me need a session.
import { withAuth } from '@qeetid/nextjs';
import { qeetid } from '@/lib/qeetid';

export const middleware = withAuth({ protect: ['/dashboard', '/api/me'], qeetid });

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
