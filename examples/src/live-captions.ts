import { TpaServer, type DisplayResult, type TpaSession } from '@tpa/sdk';

/**
 * A complete minimal TPA: live captions on the glasses and a clock on the dashboard. It has no
 * cleanup code, and needs none: the handler, the interval and the displays belong to the
 * session, and end with it however it ends.
 */
export class LiveCaptions extends TpaServer {
  protected override async onSession(session: TpaSession): Promise<void> {
    session.layouts.showTextWall('Captions are on', { durationMs: 2_000 });

    session.events.onTranscription((words) => {
      if (words.isFinal) session.layouts.showTextWall(words.text, { durationMs: 5_000 });
    });

    const showClock = (): DisplayResult => session.layouts.showDashboardCard('Captions', new Date().toLocaleTimeString('en-GB'));
    showClock();
    session.setInterval(showClock, 60_000);
  }
}
