import { describe, expect, it } from 'vitest';
import { DEMO_PACKAGE, DEMO_USER, startNotifyDemo } from '../src/notify-demo.js';

describe('the npm start demo', () => {
  it('shows the scripted notifications on the emulated glasses and in the terminal, then stops cleanly', async () => {
    let terminal = '';
    const narration: string[] = [];
    const demo = await startNotifyDemo({ port: 0, speed: 20, displayDurationSeconds: 3, terminalWriter: (text) => (terminal += text), narrate: (line) => narration.push(line) });
    try {
      const page = await fetch(demo.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      await demo.finished;
      expect(narration).toHaveLength(8);
      const shown = (text: string) => (display: ReturnType<typeof demo.cloud.getDisplay>) => {
        const layout = display.views.main?.layout;
        return layout?.layoutType === 'text_wall' && layout.text.startsWith(text);
      };
      await demo.cloud.waitForDisplay(DEMO_USER, shown('Messages - Ann: Running 10 min'), { timeoutMs: 5_000 });
      // High priority goes first in the demo: the ride comes right after the message on screen.
      await demo.cloud.waitForDisplay(DEMO_USER, shown('Uber - Your ride'), { timeoutMs: 6_000 });
      const notifyTexts = demo.cloud
        .getDisplayHistory(DEMO_USER)
        .flatMap((entry) => (entry.packageName === DEMO_PACKAGE && entry.layout.layoutType === 'text_wall' ? [entry.layout.text] : []));
      const message = notifyTexts.findIndex((text) => text.startsWith('Messages - Ann: Running 10 min'));
      expect(message).toBeGreaterThanOrEqual(0);
      expect(notifyTexts[message + 1]).toMatch(/^Uber - Your ride/);
      expect(terminal).toContain('Messages - Ann');
      expect(terminal).toContain('com.augmentos.notify');
    } finally {
      await demo.stop();
    }
    expect(demo.notify.sessionCount).toBe(0);
    await expect(fetch(demo.url)).rejects.toThrow();
  }, 20_000);
});
