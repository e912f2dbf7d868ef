/**
 * The SDK's settings: from the options given to `createQeetId`, else from the
 * environment (`.env.local`), checked once with errors that name the setting.
 */

import { ConfigurationError } from './errors.js';
import type { SessionStore } from './stores/store.js';

/** Where the SDK reads each setting when no option gives it. */
export const ENVIRONMENT = {
  issuer: 'QEETID_ISSUER',
  clientId: 'QEETID_CLIENT_ID',
  clientSecret: 'QEETID_CLIENT_SECRET',
  secret: 'QEETID_SECRET',
  appUrl: 'QEETID_APP_URL',
  refreshLeewaySeconds: 'QEETID_REFRESH_LEEWAY_SECONDS',
} as const;

/** The least length of each cookie secret, in bytes (the key is derived from it by HKDF). */
export const MIN_SECRET_BYTES = 32;

/** What an app may set; every field but the store has an environment variable or a default. */
export interface QeetIdOptions {
  /** The Qeet ID issuer (`QEETID_ISSUER`), such as `https://id.acme.com`. */
  issuer?: string;
  /** The client's id (`QEETID_CLIENT_ID`). */
  clientId?: string;
  /** The client's secret (`QEETID_CLIENT_SECRET`); leave out for a public client. */
  clientSecret?: string;
  /**
   * The cookie secret(s) (`QEETID_SECRET`, comma-separated): at least 32 bytes each. The
   * first encrypts; all decrypt, so a new secret goes first and an old one stays until
   * the sessions it sealed have expired.
   */
  secret?: string | string[];
  /** The app's own origin (`QEETID_APP_URL`), such as `https://app.acme.com`. */
  appUrl?: string;
  /** Where the route handler is mounted: `/auth` (the folder of `[...qeetid]`). */
  basePath?: string;
  /** The scopes asked for: `openid profile email offline_access`. */
  scope?: string;
  /** Where Qeet ID sends the browser after sign-out: the app's origin (`https://app.acme.com`). Must be a registered post-logout URI, exactly. */
  postLogoutRedirectUri?: string;
  /** Where errors land (`?error=code`): the route handler's own `/auth/error` page. */
  errorPath?: string;
  /** Where a signed-in user goes when no `returnTo` was asked for: `/`. */
  defaultReturnTo?: string;
  /** Session lifetimes in seconds: `idle` (7 days) and `absolute` (30 days). */
  session?: { idleSeconds?: number; absoluteSeconds?: number };
  /** A server-side session store: small cookies, back-channel logout, refresh across processes. */
  store?: SessionStore;
  /** Refresh an access token this many seconds before it expires (`QEETID_REFRESH_LEEWAY_SECONDS`): 60. */
  refreshLeewaySeconds?: number;
  /** Use pushed authorization requests when the provider offers them: `true`. */
  pushedAuthorizationRequests?: boolean;
  /** Allow a plain `http` issuer that is not on loopback (loopback is always allowed): `false`. */
  allowInsecureIssuer?: boolean;
}

/** The checked settings. */
export interface QeetIdConfig {
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  secrets: string[];
  appUrl: URL;
  basePath: string;
  scope: string;
  postLogoutRedirectUri: string;
  errorPath: string;
  defaultReturnTo: string;
  idleSeconds: number;
  absoluteSeconds: number;
  store: SessionStore | undefined;
  refreshLeewaySeconds: number;
  pushedAuthorizationRequests: boolean;
  /** Whether cookies are `Secure` and `__Host-` prefixed (the app is on https). */
  secureCookies: boolean;
  /** Whether the issuer may be plain http (loopback, or allowed by `allowInsecureIssuer`). */
  insecureIssuer: boolean;
}

type Environment = Record<string, string | undefined>;

function defaultEnvironment(): Environment {
  return typeof process === 'undefined' ? {} : process.env;
}

function setting<K extends 'issuer' | 'clientId' | 'clientSecret' | 'appUrl'>(
  options: QeetIdOptions, env: Environment, key: K,
): string | undefined {
  const given = options[key];
  if (typeof given === 'string') return given.trim() || undefined;
  return env[ENVIRONMENT[key]]?.trim() || undefined;
}

function absoluteUrl(name: string, value: string | undefined): URL {
  if (value === undefined) throw new ConfigurationError(name, 'is not set');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(name, `"${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(name, `"${value}" must be an http or https URL`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigurationError(name, `"${value}" must have no query, fragment or credentials`);
  }
  return url;
}

/** Whether `url` names this machine (plain http is fine there). */
export function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
}

function path(name: string, value: string): string {
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    throw new ConfigurationError(name, `"${value}" must be a path on the app starting with one "/"`);
  }
  return value;
}

function seconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(name, `${value} must be a whole number of seconds above 0`);
  }
  return value;
}

function leeway(given: number | undefined, variable: string | undefined): number {
  const name = given === undefined && variable !== undefined ? ENVIRONMENT.refreshLeewaySeconds : 'refreshLeewaySeconds';
  const value = given ?? (variable === undefined || variable.trim() === '' ? 60 : Number(variable));
  if (!Number.isInteger(value) || value < 0 || value > 3600) {
    throw new ConfigurationError(name, `${variable ?? given} must be a whole number of seconds from 0 to 3600`);
  }
  return value;
}

/**
 * Checks the settings: a missing or short secret, an issuer or app URL that is not an
 * absolute http(s) URL, a plain-http issuer off loopback; each error names the setting.
 */
export function resolveConfig(options: QeetIdOptions = {}, env: Environment = defaultEnvironment()): QeetIdConfig {
  const issuer = absoluteUrl(ENVIRONMENT.issuer, setting(options, env, 'issuer'));
  const insecureIssuer = issuer.protocol === 'http:';
  if (insecureIssuer && !isLoopback(issuer) && options.allowInsecureIssuer !== true) {
    throw new ConfigurationError(
      ENVIRONMENT.issuer,
      `"${issuer.href}" is plain http off loopback; use https (or allowInsecureIssuer for a test network)`,
    );
  }
  const clientId = setting(options, env, 'clientId');
  if (clientId === undefined) throw new ConfigurationError(ENVIRONMENT.clientId, 'is not set');
  const clientSecret = setting(options, env, 'clientSecret');

  const rawSecrets = Array.isArray(options.secret)
    ? options.secret
    : (options.secret ?? env[ENVIRONMENT.secret] ?? '').split(',');
  const secrets = rawSecrets.map((s) => s.trim()).filter((s) => s.length > 0);
  if (secrets.length === 0) {
    throw new ConfigurationError(
      ENVIRONMENT.secret,
      `is not set: give at least ${MIN_SECRET_BYTES} random bytes, for example \`openssl rand -hex 32\``,
    );
  }
  secrets.forEach((secret, index) => {
    const bytes = new TextEncoder().encode(secret).length;
    if (bytes < MIN_SECRET_BYTES) {
      throw new ConfigurationError(
        ENVIRONMENT.secret,
        `secret ${index + 1} has ${bytes} bytes; at least ${MIN_SECRET_BYTES} are needed (\`openssl rand -hex 32\`)`,
      );
    }
  });

  const appUrl = absoluteUrl(ENVIRONMENT.appUrl, setting(options, env, 'appUrl'));
  if (appUrl.pathname !== '/') {
    throw new ConfigurationError(ENVIRONMENT.appUrl, `"${appUrl.href}" must be an origin with no path`);
  }
  const basePath = path('basePath', (options.basePath ?? '/auth').replace(/\/+$/, ''));
  const postLogoutRedirectUri = options.postLogoutRedirectUri ?? appUrl.origin;
  absoluteUrl('postLogoutRedirectUri', postLogoutRedirectUri);

  return {
    issuer,
    clientId,
    clientSecret,
    secrets,
    appUrl,
    basePath,
    scope: options.scope ?? 'openid profile email offline_access',
    postLogoutRedirectUri,
    errorPath: path('errorPath', options.errorPath ?? `${basePath}/error`),
    defaultReturnTo: path('defaultReturnTo', options.defaultReturnTo ?? '/'),
    idleSeconds: seconds('session.idleSeconds', options.session?.idleSeconds, 7 * 24 * 3600),
    absoluteSeconds: seconds('session.absoluteSeconds', options.session?.absoluteSeconds, 30 * 24 * 3600),
    store: options.store,
    refreshLeewaySeconds: leeway(options.refreshLeewaySeconds, env[ENVIRONMENT.refreshLeewaySeconds]),
    pushedAuthorizationRequests: options.pushedAuthorizationRequests ?? true,
    secureCookies: appUrl.protocol === 'https:',
    insecureIssuer,
  };
}
