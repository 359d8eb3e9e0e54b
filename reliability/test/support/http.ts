import { expect } from 'vitest';
import type { HttpReply as HttpResult } from '@tpa/sdk/testing';

export { getJson as get, postJson as post, type HttpReply as HttpResult } from '@tpa/sdk/testing';

/** A 4xx answered as `{status:'error', message}` JSON, with nothing of the server's insides in it. */
export function expectJsonError(response: HttpResult, status: number, message: RegExp = /./): void {
  expect(response.status, response.text).toBe(status);
  expect(response.contentType).toMatch(/application\/json/);
  expect(response.body.status).toBe('error');
  expect(String(response.body.message)).toMatch(message);
  expect(String(response.body.message).trim()).not.toBe('');
  // No HTML error page, no stack frame, no source path.
  expect(response.text).not.toMatch(/<html|\bat\s+\S+\s*\(|\.ts:\d+|node_modules/i);
}
