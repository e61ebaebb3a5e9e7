import type { HandlersOf } from './contract.js';
import type { compoundRequests } from './contract-compounds.js';
import type { ProjectSession } from './session.js';

export function compoundHandlers(_session: ProjectSession): HandlersOf<typeof compoundRequests> {
  return {};
}
