export * from './disposable.js';
export * from './errors.js';
export * from './scope.js';
export * from './collections.js';
export * from './leak-tracker.js';
