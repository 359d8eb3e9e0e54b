import { describe, expect, it } from 'vitest';
import { makeSessionId, parseSessionId, userIdFromSessionId } from '@tpa/sdk/protocol';

describe('session ids', () => {
  it('are <userId>-<packageName>', () => {
    expect(makeSessionId('alice@example.com', 'com.augmentos.notify')).toBe('alice@example.com-com.augmentos.notify');
  });

  it('parse safely with dashes in the user id and in the package name', () => {
    const userId = 'mary-jane.o-neil@ex-ample.com';
    const packageName = 'com.my-company.live-captions';
    const sessionId = makeSessionId(userId, packageName);
    expect(parseSessionId(sessionId, packageName)).toEqual({ userId, packageName });
    // What the real cloud's split('-') would have produced is wrong: we must not.
    expect(sessionId.split('-')[0]).not.toBe(userId);
  });

  it('refuses an id for another package or with an empty user', () => {
    expect(userIdFromSessionId('alice-com.other', 'com.augmentos.notify')).toBeUndefined();
    expect(userIdFromSessionId('-com.augmentos.notify', 'com.augmentos.notify')).toBeUndefined();
    expect(userIdFromSessionId('com.augmentos.notify', 'com.augmentos.notify')).toBeUndefined();
    expect(userIdFromSessionId('alice-', '')).toBeUndefined();
  });
});
