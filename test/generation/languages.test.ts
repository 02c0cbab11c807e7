/**
 * Response languages (src/generation/languages.ts): the API's enum, and how `auto` and explicit
 * codes resolve to the language a prompt names.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { confidentLanguage, LANGUAGE_CODES, LANGUAGE_NAMES, resolveLanguage, UNDETERMINED } from '../../src/generation/languages.js';
import { SPEC_PATH } from '../helpers/spec.js';

describe('LANGUAGE_CODES', () => {
  it("is exactly the API description's Language enum, in order", async () => {
    const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as { components: { schemas: { Language: { enum: string[] } } } };
    expect([...LANGUAGE_CODES]).toEqual(spec.components.schemas.Language.enum);
  });

  it('has an English name for every language', async () => {
    for (const code of LANGUAGE_CODES.filter((c) => c !== 'auto')) {
      expect(LANGUAGE_NAMES[code], code).toMatch(/^[A-Z][a-z]+$/);
    }
    expect(LANGUAGE_NAMES.deu).toBe('German');
    expect(LANGUAGE_NAMES.zho).toBe('Chinese');
    expect(LANGUAGE_NAMES.fas).toBe('Persian');
  });
});

describe('resolveLanguage', () => {
  const GERMAN = 'Wie kann ich das Passwort für mein Konto zurücksetzen, wenn ich es vergessen habe?';

  it('does not guess from a short Latin-script text: it takes the fallback, then English', async () => {
    for (const q of ['How do I extract files?', 'How do I reset my password?', 'Can I cancel my order?', 'How long does brewing green tea take?']) {
      expect((await resolveLanguage('auto', q)).code, q).toBe('eng');
      expect((await resolveLanguage('auto', q, 'deu')).code, q).toBe('deu');
    }
    // Long enough, the text decides over the fallback.
    expect((await resolveLanguage('auto', 'Wie lange dauert es, bis der grüne Tee richtig gezogen ist und gut schmeckt?', 'eng')).code).toBe('deu');
    // An unknown fallback is not used.
    expect((await resolveLanguage('auto', 'short', 'xxx')).code).toBe('eng');
  });

  it('uses an explicit code as given, whatever the text', async () => {
    expect(await resolveLanguage('fra', GERMAN)).toEqual({ code: 'fra', name: 'French' });
    expect(await resolveLanguage('eng', GERMAN)).toEqual({ code: 'eng', name: 'English' });
  });

  it('names an explicit code it does not know by the code itself', async () => {
    expect(await resolveLanguage('xyz', GERMAN)).toEqual({ code: 'xyz', name: 'xyz' });
  });

  it('detects the language for auto and for no language', async () => {
    expect(await resolveLanguage('auto', GERMAN)).toEqual({ code: 'deu', name: 'German' });
    expect(await resolveLanguage(undefined, GERMAN)).toEqual({ code: 'deu', name: 'German' });
    expect(await resolveLanguage('auto', '¿Cómo puedo restablecer la contraseña de mi cuenta si la he olvidado?')).toEqual({
      code: 'spa',
      name: 'Spanish',
    });
  });

  it('names detected macrolanguages by the enum’s codes', async () => {
    expect(await resolveLanguage('auto', '这是一个关于中国历史和文化的长句子，我们在这里测试语言识别功能是否正常工作。')).toEqual({
      code: 'zho',
      name: 'Chinese',
    });
    expect(await resolveLanguage('auto', 'این یک جمله طولانی به زبان فارسی است که برای آزمایش تشخیص زبان استفاده می‌شود.')).toEqual({
      code: 'fas',
      name: 'Persian',
    });
  });

  it('maps a fallback’s individual-language code (stored part.lang, e.g. from franc) to the enum’s macrolanguage', async () => {
    expect(await resolveLanguage('auto', 'short', 'cmn')).toEqual({ code: 'zho', name: 'Chinese' });
    expect(await resolveLanguage('auto', 'short', 'arb')).toEqual({ code: 'ara', name: 'Arabic' });
    expect(await resolveLanguage('auto', 'short', 'pes')).toEqual({ code: 'fas', name: 'Persian' });
    expect(await resolveLanguage('auto', 'short', 'zlm')).toEqual({ code: 'msa', name: 'Malay' });
  });

  it('falls back to English when the text is too short or its language is not in the enum', async () => {
    expect(await resolveLanguage('auto', 'hi')).toEqual({ code: 'eng', name: 'English' });
    expect(await resolveLanguage(undefined, '')).toEqual({ code: 'eng', name: 'English' });
    // Finnish: detected, but not one of the API's languages.
    expect(await resolveLanguage('auto', 'Varmista, että varmuuskopiointi on valmis ennen kuin käynnistät palvelimen uudelleen.')).toEqual({
      code: 'eng',
      name: 'English',
    });
    // Hausa: a language the detector does not know is not guessed, and the fallback applies.
    const hausa = 'Yan majalisar dokokin Najeriya sun amince da kasafin kudin shekara mai zuwa bayan doguwar muhawara.';
    expect(await resolveLanguage('auto', hausa)).toEqual({ code: 'eng', name: 'English' });
    expect(await resolveLanguage('auto', hausa, 'fra')).toEqual({ code: 'fra', name: 'French' });
  });

  it('calls long text in a language the detector does not know undetermined, and short text unknown', async () => {
    const swahili = 'Serikali imetangaza kwamba shule zote zitafunguliwa tena wiki ijayo baada ya likizo ndefu ya mvua.';
    expect(await confidentLanguage(swahili)).toBe(UNDETERMINED);
    expect(await confidentLanguage('Habari za asubuhi')).toBeUndefined();
    expect(await confidentLanguage('The server keeps its data in one SQLite file, and backups copy that file while it runs.')).toBe('eng');
  });
});
