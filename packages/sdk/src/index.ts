export * from './errors.js';
export * from './protocol/index.js';
