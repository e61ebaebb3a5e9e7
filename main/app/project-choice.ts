// Which project the desktop app opens, and the recent-projects record, as plain functions.
import fs from 'node:fs';
import path from 'node:path';

export type ProjectReason = 'argv' | 'env' | 'launch' | 'recent' | 'new';

export interface ProjectChoice {
  file: string;
  reason: ProjectReason;
}

export interface RecentProjects {
  last: string | null;
  recent: string[];
}

/** `--project FILE` or `--project=FILE` anywhere on the command line (Electron adds its own args). */
export function projectFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--project' && i + 1 < argv.length && !argv[i + 1].startsWith('--')) return argv[i + 1];
    if (a.startsWith('--project=') && a.length > '--project='.length) return a.slice('--project='.length);
  }
  return null;
}

export const recentPath = (userData: string): string => path.join(userData, 'recent.json');
export const newProjectPath = (userData: string): string => path.join(userData, 'projects', 'untitled.micon');

export function readRecent(userData: string): RecentProjects {
  try {
    const raw = JSON.parse(fs.readFileSync(recentPath(userData), 'utf8')) as Partial<RecentProjects>;
    const recent = Array.isArray(raw.recent) ? raw.recent.filter((f): f is string => typeof f === 'string') : [];
    return { last: typeof raw.last === 'string' ? raw.last : null, recent };
  } catch {
    // Missing or damaged: start over rather than refuse to launch.
    return { last: null, recent: [] };
  }
}

/** Remember `file` as the last project (most recent first, at most `max`); written atomically. */
export function recordRecent(userData: string, file: string, max = 10): RecentProjects {
  const abs = path.resolve(file);
  const prev = readRecent(userData);
  const next: RecentProjects = { last: abs, recent: [abs, ...prev.recent.filter((f) => f !== abs)].slice(0, max) };
  fs.mkdirSync(userData, { recursive: true });
  const tmp = `${recentPath(userData)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
  fs.renameSync(tmp, recentPath(userData));
  return next;
}

/**
 * `--project FILE`, else $MICON_PROJECT, else the project the OS named at launch (a double-clicked
 * `.micon`) when `isProject` finds it is one, else the last project opened (if it still exists), else a
 * new empty project in userData/projects/untitled.micon. A named file that does not exist yet is
 * created as a new project (openProject does that). A launch file that is not a project is not chosen:
 * the app starts as without it and refuses the file with a message (launch-path.ts), so a double-click
 * on a fresh install no longer makes an empty untitled project first, and a foreign file still only
 * gets the refusal.
 */
export function chooseProject(o: {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  userData: string;
  cwd: string;
  exists?: (file: string) => boolean;
  launchFile?: string | null;
  /** Whether the launch file is a MICON project, found without writing to it (db/inspect.ts). */
  isProject?: (file: string) => boolean;
}): ProjectChoice {
  const exists = o.exists ?? ((f: string) => fs.existsSync(f));
  const fromArgv = projectFromArgv(o.argv);
  if (fromArgv) return { file: path.resolve(o.cwd, fromArgv), reason: 'argv' };
  const fromEnv = o.env.MICON_PROJECT?.trim();
  if (fromEnv) return { file: path.resolve(o.cwd, fromEnv), reason: 'env' };
  if (o.launchFile && o.isProject?.(o.launchFile)) return { file: path.resolve(o.cwd, o.launchFile), reason: 'launch' };
  const { last } = readRecent(o.userData);
  if (last && exists(last)) return { file: last, reason: 'recent' };
  return { file: newProjectPath(o.userData), reason: 'new' };
}
