import { createRequire } from 'node:module';
import type express from 'express';
import type cookieParser from 'cookie-parser';

type ExpressModule = typeof express;

let loaded: ExpressModule | undefined;

/**
 * Express, loaded on first use rather than at import: an app that only uses sessions (a worker, a
 * test) does not pay for Express's ~35 ms and 60-odd modules. Express 5 is CommonJS, so a
 * synchronous require works and `getExpressApp()` can stay synchronous.
 */
export function loadExpress(): ExpressModule {
  loaded ??= createRequire(import.meta.url)('express') as ExpressModule;
  return loaded;
}

type CookieParser = typeof cookieParser;
let loadedCookieParser: CookieParser | undefined;

/** cookie-parser, loaded with Express (CommonJS too). */
export function loadCookieParser(): CookieParser {
  loadedCookieParser ??= createRequire(import.meta.url)('cookie-parser') as CookieParser;
  return loadedCookieParser;
}
