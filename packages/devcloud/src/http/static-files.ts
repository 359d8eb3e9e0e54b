import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { sendError } from './json-io.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The emulator page's folder. It lives in `src/emulator/` and is not compiled, so both the
 * sources (`src/http/`, under vitest) and the build (`dist/http/`, under node) find it there:
 * first beside this module's parent, then in `../../src/emulator` from `dist/http/`.
 */
export function emulatorDirectory(): string {
  const candidates = [new URL('../emulator/', import.meta.url), new URL('../../src/emulator/', import.meta.url)].map((url) => fileURLToPath(url));
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0] ?? '';
}

/** Serves one file of `root`; a path that leaves `root`, or a missing file, is a JSON 404. */
export async function serveStaticFile(res: ServerResponse, root: string, relativePath: string, headOnly: boolean): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativePath);
  } catch {
    sendError(res, 400, `path "${relativePath}" is not valid percent-encoding`);
    return;
  }
  const base = resolve(root);
  const file = resolve(base, decoded);
  if (!file.startsWith(base + sep)) {
    sendError(res, 404, `no file "${decoded}"`);
    return;
  }
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    sendError(res, 404, `no file "${decoded}" in the emulator page`);
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': content.byteLength,
    'cache-control': 'no-cache',
  });
  res.end(headOnly ? undefined : content);
}
