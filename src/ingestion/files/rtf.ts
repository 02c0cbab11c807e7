import { Tokenize } from 'rtf-stream-parser';
import { SectionBuilder, normalizeInline } from './sections.js';
import { UnreadableFileError, type FileParser, type ParsedFile } from './types.js';

/**
 * RTF: rtf-stream-parser's tokenizer, and a small interpreter over its tokens that keeps the body
 * text (code pages, `\uN` escapes, fonts' character sets), drops non-text destinations (font and
 * colour tables, pictures, objects, headers and footers, field instructions, `{\*...}`), reads
 * `{\info}` (title, author, subject, keywords, creation and revision times) into the metadata,
 * and turns paragraphs with an outline level or a "heading N" style into nested section titles.
 * Table rows become lines with cells separated by " | " (no structured tables from RTF).
 */

// Token types of rtf-stream-parser (a const enum in its typings, unusable with isolatedModules).
const GROUP_START = 0;
const GROUP_END = 1;
const CONTROL = 2;
const TEXT = 3;

interface RtfToken {
  type: number;
  word?: string;
  param?: number;
  data?: Buffer;
}

/** Destinations whose content is not body text. */
const SKIPPED = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'objdata', 'header', 'headerl',
  'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf', 'fldinst', 'themedata',
  'colorschememapping', 'datastore', 'latentstyles', 'listtable', 'listoverridetable', 'rsidtbl',
  'generator', 'xmlnstbl', 'filetbl', 'revtbl', 'pgdsctbl', 'private', 'bkmkstart', 'bkmkend',
  'footnote', 'annotation', 'atnid', 'atnauthor', 'nonshppict', 'pn', 'pntext', 'pntxta',
  'pntxtb', 'template', 'userprops', 'docvar', 'xe', 'tc', 'txe', 'fldtype', 'listpicture',
  'mmathPr', 'wgrffmtfilter', 'passwordhash', 'protusertbl',
]);
const INFO_FIELDS = new Set(['title', 'subject', 'author', 'operator', 'keywords', 'doccomm', 'company', 'creatim', 'revtim']);

/** `\fcharsetN` → Windows code page. */
const CHARSET_CODEPAGE: Record<number, number> = {
  0: 1252, 128: 932, 129: 949, 130: 1361, 134: 936, 136: 950, 161: 1253, 162: 1254, 163: 1258,
  177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874, 238: 1250, 255: 437,
};
const CODEPAGE_LABEL: Record<number, string> = {
  932: 'shift_jis', 936: 'gbk', 949: 'euc-kr', 950: 'big5', 65001: 'utf-8', 10000: 'macintosh',
  20127: 'us-ascii', 1200: 'utf-16le', 20866: 'koi8-r', 28591: 'iso-8859-1',
};

const SYMBOLS: Record<string, string> = {
  emdash: '\u2014', endash: '\u2013', bullet: '\u2022', lquote: '\u2018', rquote: '\u2019',
  ldblquote: '\u201C', rdblquote: '\u201D', emspace: ' ', enspace: ' ', qmspace: ' ',
  '~': ' ', _: '-', '{': '{', '}': '}', '\\': '\\', tab: '\t',
};

interface GroupState {
  skip: boolean;
  uc: number;
  font: number | undefined;
  dest: string | undefined;
  infoField: string | undefined;
  styleDef: boolean;
}

const decoders = new Map<number, TextDecoder>();
function decoderFor(codepage: number): TextDecoder {
  let d = decoders.get(codepage);
  if (!d) {
    const label = CODEPAGE_LABEL[codepage] ?? `windows-${codepage}`;
    try {
      d = new TextDecoder(label);
    } catch {
      d = new TextDecoder('windows-1252');
    }
    decoders.set(codepage, d);
  }
  return d;
}

function tokenize(bytes: Buffer): RtfToken[] {
  const tokenizer = new Tokenize();
  const tokens: RtfToken[] = [];
  tokenizer.push = (token: unknown): boolean => {
    if (token) tokens.push(token as RtfToken);
    return true;
  };
  const onError = (err?: unknown): void => {
    if (err) throw err;
  };
  tokenizer._transform(bytes, undefined, onError);
  tokenizer._flush(onError);
  return tokens;
}

function infoDate(parts: Record<string, number>): string | undefined {
  const { yr, mo = 1, dy = 1, hr = 0, min = 0, sec = 0 } = parts;
  if (!yr || yr < 1000 || yr > 9999) return undefined;
  const t = Date.UTC(yr, mo - 1, dy, hr, min, sec);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export const parseRtf: FileParser = async (bytes) => {
  const head = bytes.subarray(0, 64).toString('latin1').trimStart();
  if (!head.startsWith('{\\rtf')) throw new UnreadableFileError('the file is not RTF (no {\\rtf header)');

  // RTF is 7-bit text; binary payloads only come through \bin. Control bytes otherwise mean binary garbage.
  if (!bytes.includes('\\bin')) {
    let control = 0;
    for (const b of bytes) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c)) control++;
    if (control > Math.max(1, bytes.length * 0.01)) throw new UnreadableFileError('the file is not RTF (it contains binary data)');
  }

  let tokens: RtfToken[];
  try {
    tokens = tokenize(bytes);
  } catch (err) {
    throw new UnreadableFileError(`unreadable RTF: ${(err as Error).message}`);
  }

  let codepage = 1252;
  let defaultFont: number | undefined;
  const fontCodepage = new Map<number, number>();
  const styleHeading = new Map<number, number>();
  const info: Record<string, string> = {};
  const infoDates: Record<string, Record<string, number>> = {};

  const builder = new SectionBuilder();
  let firstH1: string | undefined;
  let para = '';
  let paraOutline: number | undefined;
  let paraStyle: number | undefined;
  let inTable = false;
  let rowGroup: number | undefined;
  let fontDef: number | undefined;
  let styleNum: number | undefined;
  let styleName = '';
  let styleOutline: number | undefined;

  const stack: GroupState[] = [];
  let state: GroupState = { skip: false, uc: 1, font: undefined, dest: undefined, infoField: undefined, styleDef: false };
  let first = false; // the next token is the first of a group
  let star = false; // `{\*` seen
  let ucSkip = 0;
  let pending: Buffer[] = [];
  let done = false;

  const emit = (s: string): void => {
    if (!s) return;
    if (state.infoField) info[state.infoField] = (info[state.infoField] ?? '') + s;
    else if (state.styleDef) styleName += s;
    else if (!state.skip) para += s;
  };
  const flushBytes = (): void => {
    if (pending.length === 0) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    const font = state.font ?? defaultFont;
    const cp = (font !== undefined ? fontCodepage.get(font) : undefined) ?? codepage;
    emit(decoderFor(cp).decode(buf).replace(/[\r\n]/g, ''));
  };
  const endParagraph = (): void => {
    const level =
      paraOutline !== undefined && paraOutline < 9 ? paraOutline + 1 : paraStyle !== undefined ? styleHeading.get(paraStyle) : undefined;
    const text = normalizeInline(para);
    para = '';
    if (!text) return;
    rowGroup = undefined;
    if (level !== undefined && !inTable) {
      const title = text.replace(/\n+/g, ' ');
      if (level === 1 && firstH1 === undefined) firstH1 = title;
      builder.heading(level, title);
    } else builder.block(text);
  };
  const endRow = (): void => {
    const text = normalizeInline(para.replace(/(\s*\|\s*)+$/, ''));
    para = '';
    if (!text || /^[|\s]*$/.test(text)) return;
    rowGroup ??= builder.newGroup();
    builder.block(text.replace(/\n+/g, ' '), rowGroup);
  };

  try {
    for (const token of tokens) {
      if (done) break;
      if (token.type === TEXT || (token.type === CONTROL && token.word === "'")) {
        let data = token.data ?? Buffer.alloc(0);
        if (ucSkip > 0) {
          const n = Math.min(ucSkip, token.type === TEXT ? data.length : 1);
          ucSkip -= n;
          data = data.subarray(n);
        }
        if (first && token.type === TEXT) first = false;
        if (data.length > 0) pending.push(data);
        continue;
      }
      flushBytes();
      if (token.type === GROUP_START) {
        stack.push(state);
        state = { ...state };
        first = true;
        star = false;
        ucSkip = 0;
        continue;
      }
      if (token.type === GROUP_END) {
        if (state.styleDef && styleNum !== undefined) {
          const m = /heading\s*(\d)/i.exec(styleName);
          const level = styleOutline !== undefined && styleOutline < 9 ? styleOutline + 1 : m ? Number(m[1]) : undefined;
          if (level !== undefined && level >= 1) styleHeading.set(styleNum, level);
        }
        const parent = stack.pop();
        if (!parent) {
          done = true;
          continue;
        }
        state = parent;
        first = false;
        star = false;
        ucSkip = 0;
        if (stack.length === 0) done = true;
        continue;
      }
      if (token.type !== CONTROL || !token.word) continue;
      const word = token.word;
      const param = token.param;

      if (first) {
        if (word === '*') {
          star = true;
          continue;
        }
        first = false;
        if (star) {
          star = false;
          state.skip = true;
          state.dest = word;
          state.infoField = undefined;
          continue;
        }
        if (state.dest === 'info' && INFO_FIELDS.has(word)) {
          state.infoField = word === 'creatim' || word === 'revtim' ? undefined : word;
          state.dest = word;
          state.skip = true;
          if (!state.infoField) infoDates[word] = {};
          continue;
        }
        if (state.dest === 'stylesheet' && !state.styleDef) {
          state.styleDef = true;
          styleNum = word === 's' ? param ?? 0 : undefined;
          styleName = '';
          styleOutline = undefined;
          // fall through: the word is also a property of the style
        } else if (SKIPPED.has(word)) {
          state.skip = true;
          state.dest = word;
          state.infoField = undefined;
          continue;
        }
      }
      ucSkip = word === 'u' ? ucSkip : Math.max(0, ucSkip - 1);

      // inside the info group's dates
      if (state.dest === 'creatim' || state.dest === 'revtim') {
        if (param !== undefined && ['yr', 'mo', 'dy', 'hr', 'min', 'sec'].includes(word)) infoDates[state.dest]![word] = param;
        continue;
      }
      if (state.dest === 'fonttbl') {
        if (word === 'f' && param !== undefined) fontDef = param;
        else if (word === 'fcharset' && param !== undefined && fontDef !== undefined) {
          const cp = CHARSET_CODEPAGE[param];
          if (cp) fontCodepage.set(fontDef, cp);
        } else if (word === 'cpg' && param !== undefined && fontDef !== undefined) fontCodepage.set(fontDef, param);
        continue;
      }
      if (state.styleDef) {
        if (word === 'outlinelevel' && param !== undefined) styleOutline = param;
        else if (word === 's' && param !== undefined) styleNum = param;
        continue;
      }

      switch (word) {
        case 'u': {
          if (param === undefined) break;
          emit(String.fromCharCode(param < 0 ? param + 0x10000 : param));
          ucSkip = state.uc;
          break;
        }
        case 'uc':
          state.uc = param ?? 1;
          break;
        case 'ansicpg':
          if (param) codepage = param;
          break;
        case 'deff':
          defaultFont = param;
          break;
        case 'f':
          state.font = param;
          break;
        case 'par':
        case 'sect':
        case 'page':
          if (state.skip || state.infoField) break;
          if (inTable) para += ' ';
          else endParagraph();
          break;
        case 'line':
          emit('\n');
          break;
        case 'pard':
          if (!state.skip) {
            paraOutline = undefined;
            paraStyle = undefined;
            inTable = false;
          }
          break;
        case 'outlinelevel':
          if (!state.skip) paraOutline = param;
          break;
        case 's':
          if (!state.skip) paraStyle = param;
          break;
        case 'intbl':
          if (!state.skip) {
            if (!inTable && para.trim()) endParagraph();
            inTable = true;
          }
          break;
        case 'cell':
        case 'nestcell':
          emit(' | ');
          break;
        case 'row':
        case 'nestrow':
          if (!state.skip) endRow();
          break;
        case 'bin':
          break;
        default: {
          const sym = SYMBOLS[word];
          if (sym !== undefined) emit(sym);
        }
      }
    }
    flushBytes();
  } catch (err) {
    throw new UnreadableFileError(`unreadable RTF: ${(err as Error).message}`);
  }
  if (!done) throw new UnreadableFileError('the RTF file is truncated (unclosed groups)');
  if (inTable) endRow();
  else endParagraph();

  const metadata: Record<string, unknown> = {};
  const clean = (s: string | undefined): string | undefined => {
    const t = s === undefined ? undefined : normalizeInline(s).replace(/\n+/g, ' ');
    return t ? t : undefined;
  };
  const title = clean(info.title) ?? firstH1;
  if (title) metadata.title = title;
  const author = clean(info.author) ?? clean(info.operator);
  if (author) metadata.author = author;
  const subject = clean(info.subject);
  if (subject) metadata.subject = subject;
  const keywords = clean(info.keywords);
  if (keywords) metadata.keywords = keywords;
  const comment = clean(info.doccomm);
  if (comment) metadata.description = comment;
  const created = infoDates.creatim && infoDate(infoDates.creatim);
  if (created) metadata.created_at = created;
  const modified = infoDates.revtim && infoDate(infoDates.revtim);
  if (modified) metadata.modified_at = modified;

  const parsed: ParsedFile = { metadata, sections: builder.finish() };
  if (title) parsed.title = title;
  return parsed;
};
