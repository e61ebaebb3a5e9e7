// Compounds: the compound browser, structure depictions and SMILES checks.
import { z } from 'zod';

export const compoundRequests = {} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;
