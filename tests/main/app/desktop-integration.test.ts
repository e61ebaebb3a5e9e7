// Desktop integration (issue 19): the app's identity, icons and `.micon` association in
// electron-builder.yml agree with main/app/identity.ts and package.json, and the checks that
// `npm run dist:check` runs on electron-builder's output catch what they are meant to catch. The
// packaging itself (minutes) runs in dist:check, in CI.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_ID, PRODUCT_NAME, PROJECT_MIME } from '../../../main/app/identity.js';
import { CATEGORIES, checkBuilderConfig, checkInstalledLayout, parseDesktopEntry, readIdentity } from '../../../scripts/desktop-check.mjs';
import { LINUX_SIZES, linuxIcon } from '../../../scripts/icons-lib.mjs';
import { tmpDir } from '../../helpers/tmp-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const yaml = createRequire(import.meta.url)('js-yaml') as { load(s: string): unknown };
type Config = Record<string, unknown> & { linux: Record<string, unknown>; fileAssociations: Record<string, unknown>[] };
const config = () => yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Config;
const pkg = () => JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

describe('the builder configuration', () => {
  it('names the app, its icons and the .micon association as the app does', () => {
    expect(readIdentity(root)).toEqual({ appId: APP_ID, productName: PRODUCT_NAME, mime: PROJECT_MIME });
    expect(checkBuilderConfig(root, config(), pkg())).toEqual([]);
    const c = config();
    expect(c).toMatchObject({ appId: 'org.miconstudio.app', productName: 'MICON Studio', linux: { category: 'Science;Biology;Education;' } });
    expect(c.fileAssociations).toContainEqual(expect.objectContaining({ ext: 'micon', mimeType: 'application/x-micon-project' }));
    // The page's title (browser mode's tab, the task-bar title) names the same product.
    expect(fs.readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8')).toContain(`<title>${PRODUCT_NAME}</title>`);
    expect(fs.readFileSync(path.join(root, 'renderer', 'src', 'taskbar.ts'), 'utf8')).toContain(`const BASE_TITLE = '${PRODUCT_NAME}';`);
  });

  it('reports a drifted identity, a lost icon and a missing association', () => {
    const c = config();
    const broken = { ...c, appId: 'com.example.other', linux: { ...c.linux, icon: undefined, category: 'Science' }, fileAssociations: [] };
    const problems = checkBuilderConfig(root, broken, { ...pkg(), productName: 'Micon' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/appId com\.example\.other differs from .*APP_ID org\.miconstudio\.app/),
        expect.stringMatching(/package\.json productName is Micon/),
        expect.stringMatching(/linux\.icon should be "icons"/),
        expect.stringMatching(/linux\.category should be Science;Biology;Education;/),
        expect.stringMatching(/no fileAssociations entry for \.micon/),
      ]),
    );
  });
});

describe('the installed-layout check (what dist:check runs on the deb target)', () => {
  /** The layout a correct deb installs, written by hand the way electron-builder writes it. */
  function layout(entry: string): string {
    const r = tmpDir('micon-deb-root-');
    const put = (rel: string, data: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(r, rel)), { recursive: true });
      fs.writeFileSync(path.join(r, rel), data);
    };
    put('usr/share/applications/micon-studio.desktop', entry);
    put('usr/share/mime/packages/micon-studio.xml', '<mime-info><mime-type type="application/x-micon-project">\n  <glob pattern="*.micon"/>\n</mime-type></mime-info>');
    for (const s of LINUX_SIZES) put(`usr/share/icons/hicolor/${s}x${s}/apps/micon-studio.png`, fs.readFileSync(path.join(root, linuxIcon(s))));
    return r;
  }
  const good = [
    '[Desktop Entry]',
    'Name=MICON Studio',
    'Exec="/opt/MICON Studio/micon-studio" %U',
    'Terminal=false',
    'Type=Application',
    'Icon=micon-studio',
    'StartupWMClass=micon-studio',
    'Comment=Cell Painting screening with molecule-aware image embeddings',
    'MimeType=application/x-micon-project;',
    `Categories=${CATEGORIES}`,
    '',
  ].join('\n');

  it('passes a correct layout', () => {
    const r = checkInstalledLayout(root, pkg(), layout(good));
    expect(r.problems).toEqual([]);
    expect(r.icons).toHaveLength(LINUX_SIZES.length);
    expect(parseDesktopEntry(good)).toMatchObject({ Name: 'MICON Studio', Categories: 'Science;Biology;Education;' });
  });

  it('names each thing a wrong desktop entry or a missing icon gets wrong', () => {
    const bad = good.replace('Categories=Science;Biology;Education;', 'Categories=Utility;').replace('MimeType=application/x-micon-project;\n', '').replace(' %U', '');
    const dir = layout(bad);
    fs.rmSync(path.join(dir, 'usr/share/icons/hicolor/16x16/apps/micon-studio.png'));
    const { problems } = checkInstalledLayout(root, pkg(), dir);
    expect(problems).toEqual([
      'Categories=Utility;, expected Science;Biology;Education;',
      'MimeType=(missing) lacks application/x-micon-project',
      'Exec="/opt/MICON Studio/micon-studio" does not pass the opened file (%U or %F)',
      'no 16x16 icon at /usr/share/icons/hicolor/16x16/apps/micon-studio.png',
    ].map((p) => (p.startsWith('no ') ? p : `/usr/share/applications/micon-studio.desktop: ${p}`)));
  });
});
