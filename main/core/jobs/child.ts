// Entry point of a job process (child_process.fork from the CLI/browser mode; Electron's
// utilityProcess runs the same file). One job at a time; the parent may cancel it.
import { serveJobs } from './job-loop.js';
import { jobs } from './registry.js';

serveJobs(jobs);
