// dispatch(): the one validate → run → classify path both transports use (app/ipc-guard.ts, server/api-route.ts).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../../../main/core/api/contract.js';
import { dispatch } from '../../../../main/core/api/dispatch.js';
import { createHandlers } from '../../../../main/core/api/handlers.js';
import { openProject } from '../../../../main/core/db/open.js';
import { InputError, ProjectBusyError } from '../../../../main/core/types.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-dispatch-');
const file = path.join(dir, 'p.micon');
const db = openProject(file);
const handlers = createHandlers({ db, projectPath: file, transport: 'browser', transportNote: null });
afterAll(() => db.close());

const failing = (name: keyof Handlers, e: unknown) =>
  ({
    ...handlers,
    [name]: () => {
      throw e;
    },
  }) as unknown as Handlers;

describe('dispatch', () => {
  it('runs a known request on the real handlers, a missing payload read as {}', async () => {
    expect(await dispatch(handlers, 'plates.list', undefined)).toEqual({ ok: true, result: [] });
    const info = await dispatch(handlers, 'project.info', {});
    expect(info).toMatchObject({ ok: true, result: { transport: 'browser', plates: 0 } });
  });

  it('refuses unknown names (prototype keys and non-strings too) without running anything', async () => {
    for (const name of ['plates.delete', '__proto__', 'hasOwnProperty', 7, undefined]) {
      expect(await dispatch(handlers, name, {}), String(name)).toEqual({ ok: false, kind: 'unknown', error: `unknown request "${typeof name === 'string' ? name : typeof name}"` });
    }
  });

  it('names each bad field of an invalid payload', async () => {
    const r = await dispatch(handlers, 'plates.wells', { plateId: 'x' });
    expect(r).toMatchObject({ ok: false, kind: 'invalid', error: expect.stringMatching(/^invalid request for plates\.wells: plateId: /) });
    expect(await dispatch(handlers, 'project.info', { sneaky: 1 })).toMatchObject({ ok: false, kind: 'invalid', error: expect.stringMatching(/\(request\)|sneaky/) });
  });

  it('tells a busy project from other user errors, and keeps a fault’s cause out of the message', async () => {
    expect(await dispatch(failing('plates.list', new ProjectBusyError('project busy: x')), 'plates.list', {})).toEqual({ ok: false, kind: 'busy', error: 'project busy: x' });
    expect(await dispatch(failing('plates.list', new InputError('no such plate folder')), 'plates.list', {})).toEqual({ ok: false, kind: 'input', error: 'no such plate folder' });
    const fault = new Error('disk I/O error\nat somewhere');
    expect(await dispatch(failing('project.info', fault), 'project.info', {})).toEqual({ ok: false, kind: 'failed', error: 'disk I/O error', cause: fault });
  });
});
