/**
 * @qeetid/nextjs: sign users in to a Next.js app with Qeet ID.
 *
 * - `handleAuth()` for `app/auth/[...qeetid]/route.ts`;
 * - `withAuth()` for `middleware.ts` / `proxy.ts`;
 * - `auth()`, `getAccessToken()`, `signIn()`, `signOut()` from `@qeetid/nextjs/server`;
 * - `useSession()` from `@qeetid/nextjs/client`;
 * - session stores from `@qeetid/nextjs/stores`.
 */

export { handleAuth, type AuthRouteHandlers } from './handler.js';
export { withAuth, type Protection, type WithAuthOptions } from './middleware.js';
export { QeetId, createQeetId, type SignInOptions } from './core.js';
export { ENVIRONMENT, MIN_SECRET_BYTES, resolveConfig, type QeetIdConfig, type QeetIdOptions } from './config.js';
export { AccessTokenError, ConfigurationError, QeetIdError, SessionEndedError } from './errors.js';
export type { Session, SessionData, SessionUser, TokenSet } from './types.js';
export type { SessionStore } from './stores/store.js';
