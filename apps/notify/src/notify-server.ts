import { TpaServer, type TpaServerConfig, type TpaSession } from '@tpa/sdk';
import { NOTIFY_TPA_CONFIG } from './settings.js';
import { startNotify } from './session-wiring.js';

/** How long the welcome card stays up when a session starts. */
export const WELCOME_DURATION_MS = 3_000;

/**
 * The Notify server. Compare with the original: no map of managers, no cleanup handler, no
 * `clearTimeout` for the session's lifetime. The manager's timers are the session's own, its
 * handlers are the session's own, and nothing else refers to it, so it dies with the session.
 */
export class NotifyServer extends TpaServer {
  constructor(config: Omit<TpaServerConfig, 'tpaConfig'>) {
    super({ ...config, tpaConfig: NOTIFY_TPA_CONFIG });
  }

  protected override async onSession(session: TpaSession): Promise<void> {
    session.layouts.showReferenceCard('Notify', 'Notification service connected', { durationMs: WELCOME_DURATION_MS });
    startNotify(session);
  }
}
