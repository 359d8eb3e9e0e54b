import { baseStreamOf, effectiveStreamOf, subscriptionMatches, WILDCARD_STREAMS } from '@tpa/sdk/protocol';

export interface Subscriber<T> {
  readonly target: T;
  readonly subscriptions: readonly string[];
}

export interface Route<T> {
  readonly target: T;
  /** The `streamType` to send: the subscription the app used, or the base type for a wildcard subscriber. */
  readonly streamType: string;
}

/**
 * Where an event goes, exactly as the cloud routes it: to every subscriber with a subscription
 * matching the event's effective stream (`transcription:<language>`, ...) or a wildcard. Each
 * subscriber gets the event once, labelled in the form it subscribed with, because the later
 * SDK delivers a `data_stream` only when `streamType` equals the key it subscribed with.
 */
export function routeEvent<T>(subscribers: readonly Subscriber<T>[], streamType: string, data: unknown): Route<T>[] {
  const effective = effectiveStreamOf(streamType, data);
  const base = baseStreamOf(streamType) ?? streamType;
  const routes: Route<T>[] = [];
  for (const { target, subscriptions } of subscribers) {
    const matching = subscriptions.filter((subscription) => subscriptionMatches(subscription, effective));
    const named = matching.find((subscription) => !WILDCARD_STREAMS.includes(subscription));
    if (named !== undefined) routes.push({ target, streamType: named });
    else if (matching.length > 0) routes.push({ target, streamType: base });
  }
  return routes;
}
