/**
 * The URL of one of an app's routes, beside its webhook: the real cloud knew an app's `publicUrl`
 * and called `<publicUrl>/webhook`, `<publicUrl>/tpa_config.json` and `<publicUrl>/settings`;
 * the dev cloud knows the webhook URL and resolves the others against it.
 */
export function appRouteUrl(webhookUrl: string, path: string): string {
  return new URL(path.replace(/^\//, ''), webhookUrl).toString();
}
