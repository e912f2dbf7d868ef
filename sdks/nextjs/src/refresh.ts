/**
 * Silent refresh that never trips Qeet ID's refresh-token reuse detection. Qeet ID
 * rotates refresh tokens and, when a spent one comes back, revokes the whole family;
 * so a refresh token is sent at most once:
 *
 * - in one process, concurrent requests share one refresh (single flight), and for two
 *   minutes after it the spent token maps to its successor, so a request that still
 *   carries the old cookie gets the new tokens without asking Qeet ID again;
 * - across processes (a session store), a lock in the store lets one process refresh
 *   while the others wait and read the winner's tokens from the store; and a refresh
 *   answered `invalid_grant` reads the store again before it gives up.
 *
 * The state lives on `globalThis`, so every bundle of the SDK in one process (Next
 * bundles route handlers, server components and middleware apart) shares it.
 */

import { SessionEndedError, QeetIdError } from './errors.js';
import type { Exchanged } from './provider.js';
import type { SessionData } from './types.js';

/** How long a spent refresh token still maps to its successor in this process. */
export const SUCCESSOR_SECONDS = 120;
/** The most successors remembered (the oldest go first). */
const MAX_SUCCESSORS = 10_000;
/** How long a process may hold the refresh lock of a session store. */
const LOCK_MS = 10_000;
/** How long a process waits for another's refresh before it gives up. */
const WAIT_MS = 8_000;

interface Registry {
  inflight: Map<string, Promise<Exchanged>>;
  successors: Map<string, { result: Exchanged; until: number }>;
}

const REGISTRY_KEY = Symbol.for('@qeetid/nextjs/refresh');

/** This process's refresh state (one per JS realm, shared by every bundle in it). */
export function registry(): Registry {
  const global = globalThis as unknown as Record<symbol, Registry | undefined>;
  let found = global[REGISTRY_KEY];
  if (found === undefined) {
    found = { inflight: new Map(), successors: new Map() };
    global[REGISTRY_KEY] = found;
  }
  return found;
}

async function fingerprint(refreshToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(refreshToken)));
  return Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

function remember(key: string, result: Exchanged): void {
  const { successors } = registry();
  const nowMs = Date.now();
  for (const [k, v] of successors) {
    if (v.until > nowMs && successors.size < MAX_SUCCESSORS) break;
    successors.delete(k);
  }
  successors.set(key, { result, until: nowMs + SUCCESSOR_SECONDS * 1000 });
}

/** The successor of a refresh token spent in this process in the last two minutes. */
export async function knownSuccessor(refreshToken: string): Promise<Exchanged | undefined> {
  const found = registry().successors.get(await fingerprint(refreshToken));
  return found !== undefined && found.until > Date.now() ? found.result : undefined;
}

/** Applies a refresh's result to a session. */
export function withTokens(data: SessionData, result: Exchanged): SessionData {
  return {
    ...data,
    tokens: result.tokens,
    idToken: result.idToken?.token ?? data.idToken,
    user: result.idToken ? { ...data.user, ...result.idToken.user } : data.user,
  };
}

/** What a refresh needs from its caller. */
export interface RefreshContext {
  /** Asks Qeet ID for new tokens. */
  refresh(refreshToken: string): Promise<Exchanged>;
  /** The session as the store holds it now (`undefined` without a store, or when it ended). */
  reread(): Promise<SessionData | undefined>;
  /** The store's lock for this session, when there is a store. */
  lock?(ttlMs: number): Promise<(() => Promise<void>) | undefined>;
  /** Saves the new tokens to the store while the lock is still held (so a waiter reads them). */
  save?(result: Exchanged): Promise<void>;
}

function rotatedElsewhere(current: SessionData | undefined, sent: string): Exchanged | undefined {
  if (current?.tokens.refreshToken === undefined || current.tokens.refreshToken === sent) return undefined;
  return { tokens: current.tokens, idToken: { token: current.idToken, user: current.user } };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((ok) => setTimeout(ok, ms));
}

/** Waits for the process holding the lock to store its successor. */
async function awaitOtherProcess(context: RefreshContext, sent: string): Promise<Exchanged> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    await sleep(100);
    const current = await context.reread();
    if (current === undefined) throw new SessionEndedError('the session ended while another process refreshed it');
    const winner = rotatedElsewhere(current, sent);
    if (winner) return winner;
    const release = await context.lock?.(LOCK_MS);
    if (release) return lockedRefresh(context, sent, release);
  }
  throw new QeetIdError('temporarily_unavailable', 'another process held the refresh lock too long');
}

async function lockedRefresh(context: RefreshContext, sent: string, release: () => Promise<void>): Promise<Exchanged> {
  try {
    const winner = rotatedElsewhere(await context.reread(), sent);
    if (winner) return winner;
    const result = await refreshOrRecover(context, sent);
    await context.save?.(result);
    return result;
  } finally {
    await release();
  }
}

async function refreshOrRecover(context: RefreshContext, sent: string): Promise<Exchanged> {
  try {
    return await context.refresh(sent);
  } catch (error) {
    if (error instanceof QeetIdError && error.code === 'invalid_grant') {
      const winner = rotatedElsewhere(await context.reread(), sent);
      if (winner) return winner;
      throw new SessionEndedError('Qeet ID refused the refresh token (invalid_grant): sign in again', { cause: error });
    }
    throw error;
  }
}

async function coordinated(context: RefreshContext, sent: string): Promise<Exchanged> {
  if (context.lock === undefined) return refreshOrRecover(context, sent);
  const release = await context.lock(LOCK_MS);
  return release ? lockedRefresh(context, sent, release) : awaitOtherProcess(context, sent);
}

/**
 * New tokens for `refreshToken`, asking Qeet ID at most once per token: concurrent
 * callers share the flight, later callers get the remembered successor.
 */
export async function refreshOnce(refreshToken: string, context: RefreshContext): Promise<Exchanged> {
  const key = await fingerprint(refreshToken);
  const { inflight, successors } = registry();
  const known = successors.get(key);
  if (known !== undefined && known.until > Date.now()) return known.result;
  let flight = inflight.get(key);
  if (flight === undefined) {
    flight = coordinated(context, refreshToken).then(
      (result) => {
        remember(key, result);
        return result;
      },
    ).finally(() => inflight.delete(key));
    inflight.set(key, flight);
  }
  return flight;
}
