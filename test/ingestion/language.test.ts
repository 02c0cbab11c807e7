/**
 * Document language detection (src/ingestion/language.ts): ISO 639-3 codes as `part.lang` and the
 * API's Language enum use them, and undefined when the text cannot tell.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectableLanguages, detectLanguage } from '../../src/ingestion/language.js';
import { LANGUAGE_NAMES } from '../../src/generation/languages.js';

const MANPAGES = fileURLToPath(new URL('../../../shared/datasets/manpages/docs.jsonl', import.meta.url));

/** One sentence for each language of the API's enum that the detector knows (all but Indonesian). */
const SENTENCES: Record<string, string> = {
  eng: 'Please make sure the backup has finished before you restart the server.',
  deu: 'Bitte stellen Sie sicher, dass die Sicherung abgeschlossen ist, bevor Sie den Server neu starten.',
  fra: 'Veuillez vous assurer que la sauvegarde est terminée avant de redémarrer le serveur.',
  zho: '请在重新启动服务器之前，确保备份已经完成。',
  kor: '서버를 다시 시작하기 전에 백업이 완료되었는지 확인하십시오.',
  ara: 'يرجى التأكد من اكتمال النسخ الاحتياطي قبل إعادة تشغيل الخادم.',
  rus: 'Убедитесь, что резервное копирование завершено, прежде чем перезапускать сервер.',
  tha: 'โปรดตรวจสอบให้แน่ใจว่าการสำรองข้อมูลเสร็จสิ้นแล้วก่อนรีสตาร์ทเซิร์ฟเวอร์',
  nld: 'Zorg ervoor dat de back-up klaar is voordat je de server opnieuw opstart.',
  ita: 'Assicurati che il backup sia terminato prima di riavviare il server.',
  por: 'Certifique-se de que o backup terminou antes de reiniciar o servidor.',
  spa: 'Asegúrese de que la copia de seguridad haya terminado antes de reiniciar el servidor.',
  jpn: 'サーバーを再起動する前に、バックアップが完了していることを確認してください。',
  pol: 'Upewnij się, że kopia zapasowa została ukończona, zanim uruchomisz ponownie serwer.',
  tur: 'Sunucuyu yeniden başlatmadan önce yedeklemenin bittiğinden emin olun.',
  vie: 'Hãy đảm bảo rằng việc sao lưu đã hoàn tất trước khi khởi động lại máy chủ.',
  ces: 'Před restartováním serveru se ujistěte, že je záloha dokončena.',
  ukr: 'Переконайтеся, що резервне копіювання завершено, перш ніж перезапускати сервер.',
  ell: 'Βεβαιωθείτε ότι η δημιουργία αντιγράφων ασφαλείας ολοκληρώθηκε πριν επανεκκινήσετε τον διακομιστή.',
  heb: 'ודאו שהגיבוי הסתיים לפני שאתם מפעילים מחדש את השרת.',
  fas: 'لطفاً پیش از راه‌اندازی دوباره سرور مطمئن شوید که پشتیبان‌گیری تمام شده است.',
  hin: 'कृपया सर्वर को पुनः आरंभ करने से पहले सुनिश्चित करें कि बैकअप पूरा हो गया है।',
  urd: 'براہ کرم سرور کو دوبارہ شروع کرنے سے پہلے یقینی بنائیں کہ بیک اپ مکمل ہو گیا ہے۔',
  swe: 'Se till att säkerhetskopieringen är klar innan du startar om servern.',
  ben: 'সার্ভার পুনরায় চালু করার আগে নিশ্চিত করুন যে ব্যাকআপ সম্পূর্ণ হয়েছে।',
  msa: 'Sila pastikan sandaran telah selesai sebelum anda memulakan semula pelayan.',
  ron: 'Asigurați-vă că backupul s-a terminat înainte de a reporni serverul.',
};

describe('detectLanguage', () => {
  it('names each language of the enum it knows by the enum’s code', async () => {
    expect(Object.keys(SENTENCES).sort()).toEqual(Object.keys(LANGUAGE_NAMES).filter((c) => c !== 'ind').sort());
    for (const [code, text] of Object.entries(SENTENCES)) expect(await detectLanguage(text), code).toBe(code);
  });

  it('uses ISO 639-3 codes for languages outside the enum too, macrolanguages where they exist', async () => {
    expect(await detectLanguage('Sørg for at sikkerhetskopien er ferdig før du starter serveren på nytt.')).toBe('nor');
    expect(await detectLanguage('Veendu, et varundamine on lõppenud, enne kui serveri taaskäivitad.')).toBe('est');
    expect(await detectLanguage('Sigurohuni që kopja rezervë të ketë përfunduar përpara se të rinisni serverin.')).toBe('sqi');
    expect(await detectLanguage('Varmista, että varmuuskopiointi on valmis ennen kuin käynnistät palvelimen uudelleen.')).toBe('fin');
    expect(await detectLanguage('Проверите да ли је резервна копија завршена пре него што поново покренете сервер.')).toBe('srp');
  });

  it('reads Indonesian as Malay: the detector has no Indonesian', async () => {
    expect(await detectLanguage('Pastikan pencadangan sudah selesai sebelum Anda menjalankan ulang server.')).toBe('msa');
  });

  it('returns undefined for text too short to tell', async () => {
    for (const text of ['', '   ', 'Ok.', 'Tea.', 'hi', 'Wie geht es?', '      short text      ']) expect(await detectLanguage(text), text).toBeUndefined();
    expect(await detectLanguage('0123456789 0123456789 0123456789')).toBeUndefined();
  });

  it('returns undefined for a language it does not know rather than a near neighbour', async () => {
    // Hausa and Swahili: the best guesses (Turkish, Tagalog, Croatian…) score too low to be trusted.
    expect(await detectLanguage('Yan majalisar dokokin Najeriya sun amince da kasafin kudin shekara mai zuwa bayan doguwar muhawara.')).toBeUndefined();
    expect(await detectLanguage('Kamati itakutana tena wiki ijayo kujadili bajeti ya maktaba mpya.')).toBeUndefined();
  });

  it('judges a document by its lead', async () => {
    const german = 'Der Ausschuss trifft sich nächste Woche erneut, um den Haushalt für die neue Bibliothek zu besprechen. ';
    expect(await detectLanguage(german.repeat(6) + 'The rest of this document is written in English. '.repeat(200))).toBe('deu');
  });

  it('names every manpage English', async () => {
    const texts = readFileSync(MANPAGES, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => (JSON.parse(line) as { text: string }).text);
    expect(texts.length).toBeGreaterThan(1000);
    const other = (await Promise.all(texts.map((t) => detectLanguage(t.slice(0, 600))))).filter((lang) => lang !== 'eng');
    expect(other).toEqual([]);
  });
});

describe('detectableLanguages', () => {
  it('maps every language of the detector to a distinct ISO 639-3 code', async () => {
    const languages = await detectableLanguages();
    expect(languages.length).toBe(60);
    for (const code of languages) expect(code).toMatch(/^[a-z]{3}$/);
    expect(new Set(languages).size).toBe(languages.length);
    expect(languages).toEqual(expect.arrayContaining(['zho', 'ara', 'fas', 'msa', 'nor', 'est', 'sqi', 'kur', 'hrv', 'srp']));
  });
});
