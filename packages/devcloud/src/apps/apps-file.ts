import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { decodeJson } from '@tpa/sdk/protocol';
import { InvalidRequestError } from '../errors.js';
import { parseBody } from '../http/json-io.js';
import { AppRegistrationSchema, type AppRegistration } from './app-registry.js';

/** An apps file (`--config apps.json`): `{ "apps": [...], "webhookSecret"?: "..." }`, or just the list. */
export const AppsFileSchema = z.union([
  z.array(AppRegistrationSchema),
  z.strictObject({ apps: z.array(AppRegistrationSchema), webhookSecret: z.string().min(1).optional() }),
]);

export interface AppsFile {
  readonly apps: AppRegistration[];
  readonly webhookSecret?: string | undefined;
}

/** Reads and validates an apps file; every problem is an `InvalidRequestError` naming the file. */
export async function readAppsFile(path: string): Promise<AppsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidRequestError(`cannot read apps file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const decoded = decodeJson(text, { maxBytes: Number.MAX_SAFE_INTEGER });
  if (!decoded.ok) throw new InvalidRequestError(`apps file ${path}: ${decoded.error.message}`);
  const parsed = parseBody(AppsFileSchema, decoded.value, `apps file ${path}`);
  return Array.isArray(parsed) ? { apps: parsed } : parsed;
}
