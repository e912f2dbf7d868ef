/** The port for server-side sessions: small cookies, back-channel logout, and refresh across processes. */

import type { SessionData } from '../types.js';

/** Releases a lock taken with {@link SessionStore.lock}. */
export type Release = () => Promise<void>;

/** Which sessions a back-channel logout token ends: those of Qeet ID session `sid`, or all of user `sub`. */
export interface LogoutMatch {
  sub?: string;
  sid?: string;
}

/**
 * Where sessions live when the cookie holds only their id. Every method may be
 * called from several processes at once; implementations must be safe for that.
 */
export interface SessionStore {
  /** The session, or `undefined` when absent or expired. */
  get(id: string): Promise<SessionData | undefined>;
  /** Saves the session for `ttlSeconds`, indexed by its user and Qeet ID session for logout. */
  set(id: string, data: SessionData, ttlSeconds: number): Promise<void>;
  /** Removes the session. */
  delete(id: string): Promise<void>;
  /**
   * Ends the sessions a logout token names: with `sid`, the sessions of that Qeet ID
   * session (of `sub` too when both are given); with `sub` alone, all of the user's.
   * Answers how many ended.
   */
  endSessions(match: LogoutMatch): Promise<number>;
  /** Takes the named lock for at most `ttlMs`, or answers `undefined` when another holder has it. */
  lock(name: string, ttlMs: number): Promise<Release | undefined>;
  /** Marks `name` spent for `ttlSeconds`: `true` the first time, `false` after (logout token `jti`s). */
  spend(name: string, ttlSeconds: number): Promise<boolean>;
}

/** Whether a stored session matches a logout token's `sub` and `sid`. */
export function matchesLogout(data: SessionData, match: LogoutMatch): boolean {
  if (match.sid !== undefined) {
    return data.user.sid === match.sid && (match.sub === undefined || data.user.sub === match.sub);
  }
  return match.sub !== undefined && data.user.sub === match.sub;
}
