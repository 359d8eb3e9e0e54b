import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path parameters, URL-decoded (`:userId` of `/api/users/alice%40example.com/...` is `alice@example.com`). */
  readonly params: Readonly<Record<string, string>>;
  /** The rest of the path after a trailing `*`, still encoded. */
  readonly rest: string;
}

export type RouteHandler = (context: RequestContext) => Promise<void> | void;

type Segment = { readonly literal: string } | { readonly param: string };

interface Route {
  readonly method: string;
  readonly segments: readonly Segment[];
  /** Whether the pattern ends in `/*`, matching any rest of the path. */
  readonly prefix: boolean;
  readonly handler: RouteHandler;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly handler: RouteHandler; readonly params: Record<string, string>; readonly rest: string }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

/** A parameter that is not valid percent-encoding. */
export class BadPathError extends Error {}

function parsePattern(pattern: string): { segments: Segment[]; prefix: boolean } {
  const parts = pattern.split('/').filter(Boolean);
  const prefix = parts.at(-1) === '*';
  const segments = (prefix ? parts.slice(0, -1) : parts).map((part): Segment =>
    part.startsWith(':') ? { param: part.slice(1) } : { literal: part },
  );
  return { segments, prefix };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new BadPathError(`path segment "${part}" is not valid percent-encoding`);
  }
}

/** A small router: `GET /api/users/:userId/display`, `GET /emulator/*`. First match wins. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, ...parsePattern(pattern), handler });
    return this;
  }

  /** Finds the route of a request; throws {@link BadPathError} for a badly encoded parameter. */
  match(method: string, pathname: string): RouteMatch {
    const parts = pathname.split('/').filter(Boolean);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const fits = route.prefix ? parts.length >= route.segments.length : parts.length === route.segments.length;
      if (!fits) continue;
      const params: Record<string, string> = {};
      const matched = route.segments.every((segment, index) => {
        const part = parts[index] ?? '';
        if ('literal' in segment) return segment.literal === part;
        params[segment.param] = part;
        return true;
      });
      if (!matched) continue;
      if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
        allowed.push(route.method);
        continue;
      }
      for (const [name, value] of Object.entries(params)) params[name] = decode(value);
      return { kind: 'found', handler: route.handler, params, rest: parts.slice(route.segments.length).join('/') };
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'not-found' };
  }
}
