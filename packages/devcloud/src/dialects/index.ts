import type { CloudDialect } from '@tpa/sdk/protocol';
import type { Dialect } from './dialect.js';
import { laterDialect } from './later.js';
import { springDialect } from './spring.js';

export type { AckExtras, AckSettingsSource, AppMessageProblem, AppSocketActions, Dialect, InitRefusal, StopSteps } from './dialect.js';

/** Every cloud the dev cloud can imitate, by name: what each does differently is in its own file. */
export const DIALECTS: Readonly<Record<CloudDialect, Dialect>> = { spring: springDialect, later: laterDialect };

export const DIALECT_NAMES = Object.keys(DIALECTS) as CloudDialect[];

/** The newest cloud: what apps built on `@mentra/sdk` 2.x meet. */
export const DEFAULT_DIALECT: CloudDialect = 'later';

export function isDialectName(name: string): name is CloudDialect {
  return Object.hasOwn(DIALECTS, name);
}
