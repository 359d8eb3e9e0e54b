/** Live handles and timers of this process, as Node counts them. */
export interface ActiveResources {
  /** Sockets, servers and other handles (timers excluded). */
  readonly handles: number;
  /** Active (ref'd) timers. */
  readonly timers: number;
}

/** The worker's IPC channel to the runner is a pipe (two while a message is in flight): the harness's, not the client's. */
const HARNESS_RESOURCES = new Set(['PipeWrap']);

export function activeResources(): ActiveResources {
  const all = process.getActiveResourcesInfo().filter((name) => !HARNESS_RESOURCES.has(name));
  const timers = all.filter((name) => name === 'Timeout').length;
  return { handles: all.length - timers, timers };
}

/** What `after` has more than `before` (negative when fewer). */
export function resourcesAdded(before: ActiveResources, after: ActiveResources): ActiveResources {
  return { handles: after.handles - before.handles, timers: after.timers - before.timers };
}
