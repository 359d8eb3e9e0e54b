import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { UnknownAppError } from '../errors.js';

const isHttpUrl = (text: string): boolean => {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
};

/** What it takes to register an app with the dev cloud (the control API's `POST /api/apps` body). */
export const AppRegistrationSchema = z.strictObject({
  packageName: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'a package name is letters, digits, dots, dashes and underscores, like com.example.notes' }),
  name: z.string().min(1).optional(),
  webhookUrl: z.string().refine(isHttpUrl, { message: 'not an http(s) URL' }),
  apiKey: z.string().min(1, { message: 'an API key is required' }),
});
export type AppRegistration = z.infer<typeof AppRegistrationSchema>;

/** A registered app as the control API shows it: never with its API key. */
export interface AppInfo {
  readonly packageName: string;
  readonly name: string;
  readonly webhookUrl: string;
}

interface RegisteredApp extends AppInfo {
  readonly apiKeyHash: Buffer;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The apps the dev cloud knows. Keeps only a hash of each API key, as the real cloud did. */
export class AppRegistry {
  private readonly apps = new Map<string, RegisteredApp>();

  /** Registers an app, replacing an earlier registration of the same package. */
  register(registration: AppRegistration): AppInfo {
    const { packageName, webhookUrl, apiKey } = registration;
    const app: RegisteredApp = { packageName, name: registration.name ?? packageName, webhookUrl, apiKeyHash: sha256(apiKey) };
    this.apps.set(packageName, app);
    return toInfo(app);
  }

  list(): AppInfo[] {
    return [...this.apps.values()].map(toInfo);
  }

  find(packageName: string): AppInfo | undefined {
    const app = this.apps.get(packageName);
    return app ? toInfo(app) : undefined;
  }

  get(packageName: string): AppInfo {
    const app = this.find(packageName);
    if (!app) throw new UnknownAppError(packageName);
    return app;
  }

  /** Whether `apiKey` is the key of `packageName`, compared in constant time; false for an unknown app. */
  apiKeyMatches(packageName: string, apiKey: string): boolean {
    const app = this.apps.get(packageName);
    // Hash even for an unknown app so that the time taken says nothing about which apps exist.
    const given = sha256(apiKey);
    return app !== undefined && timingSafeEqual(given, app.apiKeyHash);
  }
}

function toInfo(app: RegisteredApp): AppInfo {
  return { packageName: app.packageName, name: app.name, webhookUrl: app.webhookUrl };
}
