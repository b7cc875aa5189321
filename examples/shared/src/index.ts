/** What the example apps share. */
export * from './env.js';
export * from './metrics.js';
export * from './server.js';
export * from './store.js';
