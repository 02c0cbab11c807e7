// Worker threads do not inherit the tsx loader in Node 20, so when Quarry runs from its
// TypeScript sources this plain-JavaScript entry registers tsx in the worker, then loads the
// real worker module. (The compiled build starts wal-checkpoint-worker.js directly.)
import { register } from 'tsx/esm/api';

register();
await import('./wal-checkpoint-worker.ts');
