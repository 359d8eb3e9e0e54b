import { REAL_CLOUD_DOMAINS } from '../protocol/index.js';

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

/** Whether `hostname` is one of `domains` or a subdomain of one (never merely ends with its letters). */
function isWithin(hostname: string, domains: readonly string[]): boolean {
  return domains.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`));
}

export class TrustedSocketUrls {
  readonly #origins = new Set<string>();
  readonly #loopback: boolean;
  readonly #realCloud: boolean;

  /**
   * Trusts the origin of `cloudUrl` and of each of `extra`; when the configured cloud is on
   * loopback (a dev cloud), any loopback socket URL too; and unless `realCloud` is false, a
   * `wss://` URL on the default port of the real cloud's deployments ({@link REAL_CLOUD_DOMAINS}).
   */
  constructor(cloudUrl: string, extra: readonly string[] = [], realCloud = true) {
    for (const url of [cloudUrl, ...extra]) {
      const parsed = parse(url);
      if (!parsed) throw new TypeError(`"${url}" is not a ws:// or wss:// URL`);
      this.#origins.add(parsed.origin);
    }
    this.#loopback = isLoopbackUrl(cloudUrl);
    this.#realCloud = realCloud;
  }

  trusts(url: string): boolean {
    const parsed = parse(url);
    if (!parsed) return false;
    if (this.#origins.has(parsed.origin) || (this.#loopback && LOOPBACK_HOSTS.has(parsed.hostname))) return true;
    return this.#realCloud && parsed.protocol === 'wss:' && parsed.port === '' && isWithin(parsed.hostname, REAL_CLOUD_DOMAINS);
  }

  describe(): string {
    const parts = [...this.#origins];
    if (this.#realCloud) parts.push(`wss:// on ${REAL_CLOUD_DOMAINS.map((domain) => `${domain} or a subdomain`).join(', ')}`);
    return parts.join(', ') + (this.#loopback ? ' (and any loopback address)' : '');
  }
}
