import { parseArgs } from 'node:util';
import type { CloudDialect } from '@tpa/sdk/protocol';
import { InvalidRequestError } from './errors.js';
import type { AppRegistration } from './apps/app-registry.js';
import { DEFAULT_DIALECT, DIALECT_NAMES, isDialectName } from './dialects/index.js';

/** The CLI's default port (the one MentraOS' local cloud used). */
export const DEFAULT_CLI_PORT = 8002;

export interface CliArgs {
  readonly port: number;
  readonly host: string;
  readonly dialect: CloudDialect;
  readonly configPath: string | undefined;
  readonly apps: AppRegistration[];
  readonly secret: string | undefined;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
}

export const USAGE = `Usage: tpa-devcloud [options]

A local AugmentOS cloud: run and test TPAs with no glasses, no account and no internet.

Options:
  --port <n>        port to listen on (default ${DEFAULT_CLI_PORT}; 0 lets the OS choose)
  --host <address>  address to listen on (default 127.0.0.1)
  --dialect <name>  the real cloud to imitate: ${DIALECT_NAMES.join(' or ')} (default ${DEFAULT_DIALECT})
                    later: /app-ws, as @mentra/sdk 2.x meets it; spring: /tpa-ws, as in spring 2025
  --config <file>   apps file: {"apps":[{"packageName","name","webhookUrl","apiKey"}], "webhookSecret"?}
  --app <spec>      register an app: name=Notify,package=com.augmentos.notify,webhook=http://localhost:7010/webhook,key=SECRET
                    (repeatable)
  --secret <s>      sign webhooks with this secret (HMAC, headers x-tpa-signature / x-tpa-timestamp)
  --quiet           no display boxes in the terminal, warnings only
  --verbose         debug logging
  --help            this text
`;

const APP_SPEC_KEYS: Readonly<Record<string, keyof AppRegistration>> = {
  name: 'name',
  package: 'packageName',
  packageName: 'packageName',
  webhook: 'webhookUrl',
  webhookUrl: 'webhookUrl',
  key: 'apiKey',
  apiKey: 'apiKey',
};

/**
 * Parses `name=...,package=...,webhook=...,key=...`. A piece without `=` belongs to the value
 * before it (a comma inside a URL).
 */
export function parseAppSpec(spec: string): AppRegistration {
  const fields: Partial<Record<keyof AppRegistration, string>> = {};
  let last: keyof AppRegistration | undefined;
  for (const piece of spec.split(',')) {
    const equals = piece.indexOf('=');
    const name = equals > 0 ? APP_SPEC_KEYS[piece.slice(0, equals).trim()] : undefined;
    if (name) {
      fields[name] = piece.slice(equals + 1).trim();
      last = name;
    } else if (last) {
      fields[last] = `${fields[last] ?? ''},${piece}`;
    } else {
      throw new InvalidRequestError(`--app "${spec}": "${piece}" is not one of name=, package=, webhook=, key=`);
    }
  }
  const missing = (['packageName', 'webhookUrl', 'apiKey'] as const).filter((key) => !fields[key]);
  if (missing.length > 0) {
    throw new InvalidRequestError(`--app "${spec}" lacks ${missing.map((key) => Object.keys(APP_SPEC_KEYS).find((flag) => APP_SPEC_KEYS[flag] === key)).join(', ')}`);
  }
  return {
    packageName: fields.packageName ?? '',
    webhookUrl: fields.webhookUrl ?? '',
    apiKey: fields.apiKey ?? '',
    ...(fields.name ? { name: fields.name } : {}),
  };
}

/** Parses the command line; throws an `InvalidRequestError` saying what is wrong. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        dialect: { type: 'string' },
        config: { type: 'string' },
        app: { type: 'string', multiple: true },
        secret: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new InvalidRequestError(error instanceof Error ? error.message : String(error));
  }
  const port = values.port === undefined ? DEFAULT_CLI_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidRequestError(`--port "${values.port}" is not a port number`);
  const dialect = values.dialect ?? DEFAULT_DIALECT;
  if (!isDialectName(dialect)) throw new InvalidRequestError(`--dialect "${dialect}" is not one of ${DIALECT_NAMES.join(', ')}`);
  return {
    port,
    host: values.host ?? '127.0.0.1',
    dialect,
    configPath: values.config,
    apps: (values.app ?? []).map(parseAppSpec),
    secret: values.secret,
    quiet: values.quiet,
    verbose: values.verbose,
    help: values.help,
  };
}
