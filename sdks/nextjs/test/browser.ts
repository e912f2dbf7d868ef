// A cookie-keeping stand-in for the browser, calling the route handler directly.

import type { AuthRouteHandlers } from '../src/handler.js';

export const APP = 'http://localhost:3000';

export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly routes: AuthRouteHandlers) {}

  cookieHeader(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  /** Keeps what the response's `Set-Cookie` lines say. */
  keep(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split('; ');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const gone = attributes.some((a) => a === 'Max-Age=0');
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(at + 1));
    }
    return response;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const request = new Request(new URL(path, APP), { headers: { cookie: this.cookieHeader(), ...headers } });
    return this.keep(await this.routes.GET(request));
  }

  async post(path: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
    const request = new Request(new URL(path, APP), { method: 'POST', headers: { cookie: this.cookieHeader(), ...headers }, body });
    return this.keep(await this.routes.POST(request));
  }
}
