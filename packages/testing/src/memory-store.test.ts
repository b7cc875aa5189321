import { memoryStore } from '@switchboard/core';
import { forgetContract } from './forget-contract.js';
import { storeContract } from './store-contract.js';

// The in-memory store of @switchboard/core runs the same suite as every durable store.
storeContract('memory', { create: () => memoryStore() });
forgetContract('memory', { create: () => memoryStore() });

import { memoryQueue } from '@switchboard/core';
import { queueContract } from './queue-contract.js';

queueContract('memory', { create: () => memoryQueue() });
