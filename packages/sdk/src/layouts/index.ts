export * from './errors.js';
export * from './layout-manager.js';
