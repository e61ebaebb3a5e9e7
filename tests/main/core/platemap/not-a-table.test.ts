// Item 2 of issue 17: naming a file that is not a table (as a platemap, plate list or profile table)
// gets an error that names the file, never its content: a page or a user can point these readers at any
// file, and an error is shown to whoever asked.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { previewProfileTable } from '../../../../main/core/embeddings/import-profiles-preview.js';
import { previewIngest } from '../../../../main/core/ingest/preview.js';
import { readPlateMeta } from '../../../../main/core/platemap/plate-meta.js';
import { readPlatemap } from '../../../../main/core/platemap/platemap.js';
import { InputError } from '../../../../main/core/types.js';
import { REALDATA } from '../../../helpers/realdata.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-not-table-');
const SECRET = 'S3CRET-7f2c9d';
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
// A passwd-like file, a hosts-like tab-separated file, and a key=value file: none a table of ours.
const passwd = write('passwd', `root:x:0:0:${SECRET}:/root:/bin/bash\ndaemon:x:1:1:daemon,${SECRET}:/usr/sbin:/usr/sbin/nologin\n`);
const hosts = write('hosts', `10.0.0.7\t${SECRET}.internal\n127.0.0.1\tlocalhost\n`);
const env = write('settings.env', `API_TOKEN=${SECRET}\nDEBUG=1\n`);
const files = [passwd, hosts, env, ...(fs.existsSync('/etc/passwd') ? ['/etc/passwd'] : [])];

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

const leaks = (msg: string) => msg.toLowerCase().includes(SECRET.toLowerCase()) || /root:x:0:0|localhost|api_token/i.test(msg);

describe('errors about a file that is not a table never echo its content', () => {
  it('as a platemap and as a plate list: the file is named, its lines are not', () => {
    for (const f of files) {
      for (const read of [readPlatemap, readPlateMeta]) {
        const msg = message(() => read(f));
        expect(msg).toContain(f);
        expect(msg).toMatch(/no (well|plate) column/);
        expect(leaks(msg), msg).toBe(false);
      }
    }
  });

  it('ingest.preview with /etc/passwd-like files as platemap or plate list', async () => {
    const db = openProject(path.join(dir, 'p.micon'));
    const folder = path.join(REALDATA, 'images-phenix-jump-pe2loaddata/BR00121482__Version1');
    for (const opt of ['platemap', 'plateMeta'] as const) {
      const e = await previewIngest(db, folder, { [opt]: passwd }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toContain(passwd);
      expect(leaks((e as Error).message), (e as Error).message).toBe(false);
    }
    db.close();
  });

  it('profiles.preview of such a file reports no columns, rows or values from it', async () => {
    for (const f of [passwd, hosts, env]) {
      const p = await previewProfileTable(f).catch((e: unknown) => e);
      const text = p instanceof Error ? p.message : JSON.stringify(p);
      expect(leaks(text), text).toBe(false);
      expect(text).toContain(f);
    }
    const cols = await previewProfileTable(passwd, { columns: 'well=nope' }).catch((e: unknown) => e);
    expect(leaks(cols instanceof Error ? cols.message : JSON.stringify(cols))).toBe(false);
    // Guessing the first line and naming it as a column must not make the other lines come back.
    const first = fs.readFileSync(passwd, 'utf8').split('\n')[0];
    const guessed = await previewProfileTable(passwd, { columns: `well=${first.split(',')[0]}` }).catch((e: unknown) => e);
    const text = guessed instanceof Error ? guessed.message : JSON.stringify(guessed);
    expect(text).not.toMatch(/daemon/);
  });

  it('CSV syntax errors give the line, not the field value', () => {
    const open = write('open-quote.csv', `well,compound_id\nA01,"${SECRET}\nA02,x\n`);
    const inner = write('inner-quote.csv', `well,compound_id\nA01,${SECRET}"x"\n`);
    const after = write('after-quote.csv', `well,compound_id\nA01,"x"y${SECRET}\n`);
    for (const f of [open, inner, after]) {
      const msg = message(() => readPlatemap(f));
      expect(msg).toContain(f);
      expect(msg).toMatch(/not a readable CSV.*line \d/);
      expect(msg.includes(SECRET), msg).toBe(false);
    }
  });

  it('a real table with the wrong column names still gets the columns it has, to fix them', () => {
    const f = write('platemap-typo.csv', 'Metadata_Plate,Metadata_Wel,Metadata_JCP2022\nP1,A01,JCP2022_000001\n');
    expect(message(() => readPlatemap(f))).toMatch(/no well column.*found plate, wel, jcp2022/);
  });
});
