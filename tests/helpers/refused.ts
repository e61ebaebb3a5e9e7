import { expect } from 'vitest';
import { InputError } from '../../main/core/types.js';

/** Expect `p` to reject with an InputError whose message matches every pattern; returns the message. */
export async function refused(p: Promise<unknown>, ...patterns: RegExp[]): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  const msg = (e as Error).message;
  for (const re of patterns) expect(msg).toMatch(re);
  return msg;
}
