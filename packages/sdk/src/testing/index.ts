/** Tools for testing TPAs: a real cloud peer on 127.0.0.1 and leak checks. */
export * from './test-cloud.js';
export * from './leak-check.js';
export * from './http-client.js';
export { OpenScopeRegistry, setScopeTracker, type ScopeTracker, type TrackedScope } from '../resources/leak-tracker.js';
