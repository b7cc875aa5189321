/**
 * `@switchboard/testing`: the conformance suites every adapter and store runs, a fake adapter,
 * helpers to drive a switchboard without HTTP, and the provider simulators.
 *
 * @example
 * ```ts
 * import { storeContract, fakeAdapter } from '@switchboard/testing';
 * storeContract('memory', { create: () => memoryStore() });
 * ```
 * @module
 */
export * from './adapter-contract.js';
export * from './fake-adapter.js';
export * from './fixtures.js';
export * from './forget-contract.js';
export * from './fuzz.js';
export * from './helpers.js';
export * from './queue-contract.js';
export * from './services.js';
export * from './simulators/meta.js';
export * from './simulators/server.js';
export * from './simulators/telnyx.js';
export * from './simulators/twilio.js';
export * from './simulators/vonage.js';
export * from './store-contract.js';
