/**
 * What can go wrong, as values with a stable `code`: the error route receives the
 * code (never a message or a stack), the server log receives the message.
 */

/** An error of the SDK: `code` is what the error route and `/auth/session` may show. */
export class QeetIdError extends Error {
  /** A short, stable code: an OAuth error (`access_denied`, `invalid_grant`) or one of the SDK's own. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QeetIdError';
    this.code = code;
  }
}

/** A setting is missing or wrong; the message names the setting and its environment variable. */
export class ConfigurationError extends QeetIdError {
  /** The environment variable (or option) at fault, such as `QEETID_SECRET`. */
  readonly setting: string;

  constructor(setting: string, message: string, options?: { cause?: unknown }) {
    super('configuration', `${setting}: ${message}`, options);
    this.name = 'ConfigurationError';
    this.setting = setting;
  }
}

/** The session ended (signed out, expired, or its refresh token was refused). */
export class SessionEndedError extends QeetIdError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('session_ended', message, options);
    this.name = 'SessionEndedError';
  }
}

/** No usable access token: signed out, or expired where it cannot be refreshed. */
export class AccessTokenError extends QeetIdError {
  constructor(code: 'signed_out' | 'expired' | 'session_ended', message: string) {
    super(code, message);
    this.name = 'AccessTokenError';
  }
}

/** An error code safe to put in a URL: letters, digits and `_`, else `server_error`. */
export function publicCode(error: unknown): string {
  const code = error instanceof QeetIdError ? error.code : 'server_error';
  return /^[a-z0-9_]{1,64}$/i.test(code) ? code : 'server_error';
}
