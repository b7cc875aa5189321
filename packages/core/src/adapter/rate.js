/**
 * A sending pace, shared by the adapter contract and the kit's provider options.
 * @module
 */
import { z } from 'zod';
/** A sending pace: a token bucket of `burst` tokens refilled at `perSecond`. */
export const RateSchema = z.object({
  perSecond: z.number().positive(),
  burst: z.number().int().positive().optional(),
});
