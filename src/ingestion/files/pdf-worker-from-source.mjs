// Reader threads start without the server's preloads (pdf-threads.ts), so when Quarry runs from
// its TypeScript sources this plain-JavaScript entry registers tsx in the thread, then loads the
// real worker module. (The compiled build starts pdf-worker.js directly.)
//
// pdfjs is loaded first, before tsx is registered: loaded through tsx, its 3 MB of JavaScript
// read pages at half the speed and the thread held over 100 MB more while reading a 10 MB PDF.
import 'pdfjs-dist/legacy/build/pdf.mjs';
import 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import { register } from 'tsx/esm/api';

register();
await import('./pdf-worker.ts');
