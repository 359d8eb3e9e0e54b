/**
 * Session ids are `<userId>-<packageName>`. The real cloud split them with `split('-')`, which
 * breaks on a dash in either part; since the package name is always known, strip it from the end.
 */
export function makeSessionId(userId: string, packageName: string): string {
  return `${userId}-${packageName}`;
}

/**
 * The user id of a session id, or `undefined` when the id does not end with `-<packageName>` or
 * leaves an empty user id. Safe with dashes in the user id and in the package name.
 */
export function userIdFromSessionId(sessionId: string, packageName: string): string | undefined {
  const suffix = `-${packageName}`;
  if (packageName.length === 0 || !sessionId.endsWith(suffix)) return undefined;
  const userId = sessionId.slice(0, -suffix.length);
  return userId.length > 0 ? userId : undefined;
}

/** Parses a session id when the package name is known; see {@link userIdFromSessionId}. */
export function parseSessionId(
  sessionId: string,
  packageName: string,
): { readonly userId: string; readonly packageName: string } | undefined {
  const userId = userIdFromSessionId(sessionId, packageName);
  return userId === undefined ? undefined : { userId, packageName };
}
