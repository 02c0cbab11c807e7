import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseRtf } from '../../../src/ingestion/files/rtf.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';

const opts = { filename: 'doc.rtf', extractTables: false };

const rtf = String.raw`{\rtf1\ansi\ansicpg1252\deff0
{\fonttbl{\f0\froman\fcharset0 Times New Roman;}{\f1\fswiss\fcharset204 Arial Cyr;}}
{\colortbl;\red0\green0\blue0;}
{\stylesheet{\s0 Normal;}{\s1\outlinelevel0 heading 1;}{\s2 heading 2;}}
{\info{\title Quarterly \'e9t\'e9 Report}{\author Jane Doe}{\subject Finance}{\creatim\yr2023\mo4\dy5\hr9\min30}{\revtim\yr2024\mo1\dy2}}
{\header {\pard Page header text\par}}
{\*\generator Handwritten;}
\pard\s1\outlinelevel0 Introduction\par
\pard Plain caf\'e9 text with {\b bold} and \u8364? euro, \ldblquote quotes\rdblquote .\par
Second\line line.\par
{\pict\pngblip 89504e470d0a1a0a}
\pard\s2 Details\par
\pard{\f1 \'cf\'f0\'e8\'e2\'e5\'f2}\par
{\field{\*\fldinst HYPERLINK "http://x"}{\fldrslt link text}}\par
\trowd\cellx1000\cellx2000
\pard\intbl Name\cell Value\cell\row
\pard\intbl A\cell 1\cell\row
\pard After table.\par
}`;

describe('parseRtf', () => {
  it('extracts text, headings and info metadata', async () => {
    const parsed = await parseRtf(Buffer.from(rtf, 'latin1'), opts);
    expect(parsed.title).toBe('Quarterly été Report');
    expect(parsed.metadata).toEqual({
      title: 'Quarterly été Report',
      author: 'Jane Doe',
      subject: 'Finance',
      created_at: '2023-04-05T09:30:00.000Z',
      modified_at: '2024-01-02T00:00:00.000Z',
    });
    expect(parsed.sections).toHaveLength(1);
    const intro = parsed.sections[0]!;
    expect(intro.title).toBe('Introduction');
    expect(intro.text).toBe('Plain café text with bold and € euro, \u201Cquotes\u201D.\n\nSecond\nline.');
    expect(intro.sections).toEqual([
      { title: 'Details', text: 'Привет\n\nlink text\n\nName | Value\nA | 1\n\nAfter table.' },
    ]);
    const all = JSON.stringify(parsed);
    for (const junk of ['Times', 'header text', 'Handwritten', 'HYPERLINK', '89504e', 'Normal']) expect(all).not.toContain(junk);
  });

  it('reads a minimal RTF with \\uc0 unicode', async () => {
    const parsed = await parseRtf(Buffer.from(String.raw`{\rtf1{\uc0 \u26085\u26412}\par}`), opts);
    expect(parsed.sections).toEqual([{ text: '日本' }]);
  });

  it('refuses non-RTF, truncated RTF and random bytes', async () => {
    await expect(parseRtf(Buffer.from('just text'), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(parseRtf(Buffer.from(rtf.slice(0, rtf.length / 2), 'latin1'), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(parseRtf(randomBytes(4096), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    const noise = Buffer.concat([Buffer.from('{\\rtf1 '), randomBytes(8192)]);
    await expect(parseRtf(noise, opts)).rejects.toBeInstanceOf(UnreadableFileError);
  });
});
