// /auth/login, /auth/callback, /auth/logout, /auth/session, /auth/backchannel-logout.
import { handleAuth } from '@qeetid/nextjs';
import { qeetid } from '@/lib/qeetid';

export const { GET, POST } = handleAuth(qeetid);
