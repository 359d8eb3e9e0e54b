/**
 * Which socket URLs a session_request may send this server's API key to. A webhook can name any
 * URL; connecting there would hand the key to whoever runs it.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function parse(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'ws:' || parsed.protocol === 'wss:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function isLoopbackUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && LOOPBACK_HOSTS.has(parsed.hostname);
}

export class TrustedSocketUrls {
  readonly #origins = new Set<string>();
  readonly #loopback: boolean;

  /**
   * Trusts the origin of `cloudUrl` and of each of `extra`; when the configured cloud is on
   * loopback (a dev cloud), any loopback socket URL too.
   */
  constructor(cloudUrl: string, extra: readonly string[] = []) {
    for (const url of [cloudUrl, ...extra]) {
      const parsed = parse(url);
      if (!parsed) throw new TypeError(`"${url}" is not a ws:// or wss:// URL`);
      this.#origins.add(parsed.origin);
    }
    this.#loopback = isLoopbackUrl(cloudUrl);
  }

  trusts(url: string): boolean {
    const parsed = parse(url);
    if (!parsed) return false;
    return this.#origins.has(parsed.origin) || (this.#loopback && LOOPBACK_HOSTS.has(parsed.hostname));
  }

  describe(): string {
    return [...this.#origins].join(', ') + (this.#loopback ? ' (and any loopback address)' : '');
  }
}
