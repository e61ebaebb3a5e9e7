import * as m001 from './001_init.js';
import * as m002 from './002_models.js';
import * as m003 from './003_imported_profiles.js';
import * as m004 from './004_site_handcrafted.js';
import * as m007 from './007_normalization.js';
import * as m008 from './008_activity.js';

// Numbered, append-only. Never edit a migration that has shipped; add the next number.
export const migrations: { id: number; name: string; sql: string }[] = [
  { id: 1, name: 'init', sql: m001.sql },
  { id: 2, name: 'models', sql: m002.sql },
  { id: 3, name: 'imported_profiles', sql: m003.sql },
  { id: 4, name: 'site_handcrafted', sql: m004.sql },
  // 005 and 006 were reserved for parallel work; the runner applies whatever is missing, by id, so gaps are fine.
  { id: 7, name: 'normalization', sql: m007.sql },
  { id: 8, name: 'activity', sql: m008.sql },
];
