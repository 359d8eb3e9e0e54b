/** Where every deprecation warning points. */
export const MIGRATION_GUIDE = 'docs/migration.md in the TPA SDK';

const warned = new Set<string>();

/**
 * Warns once per process that `oldForm` is deprecated and names `newForm`: a `DeprecationWarning`
 * (code `TPA_DEPRECATED`), which Node prints unless warnings are silenced (`--no-deprecation`).
 */
export function deprecated(oldForm: string, newForm: string): void {
  if (warned.has(oldForm)) return;
  warned.add(oldForm);
  process.emitWarning(`${oldForm} is deprecated: use ${newForm} (see ${MIGRATION_GUIDE})`, { type: 'DeprecationWarning', code: 'TPA_DEPRECATED' });
}
