import { useState, type FormEvent } from 'react';
import { uploadFile } from '../api';
import { ErrorAlert } from './ErrorAlert';
import { useAnnounce } from './Status';

interface Props {
  corpusKeys: string[];
  onUploaded: () => void;
}

/** Uploads one file to a corpus (multipart, field `file`) and shows its progress. */
export function UploadForm({ corpusKeys, onUploaded }: Props) {
  const announce = useAnnounce();
  const [corpus, setCorpus] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const target = corpus || corpusKeys[0] || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!target || !file) {
      setError(new Error(!target ? 'Create a corpus first.' : 'Choose a file to upload.'));
      return;
    }
    setBusy(true);
    setProgress(0);
    announce('');
    try {
      const doc = await uploadFile<{ id?: string }>(target, file, setProgress);
      announce(`Uploaded ${file.name} to ${target}: document ${doc.id ?? '(no id returned)'}.`);
      onUploaded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <h2 id="upload-heading">Upload a file</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="upload-corpus">Corpus for upload</label>
        <select id="upload-corpus" value={target} onChange={(e) => setCorpus(e.target.value)}>
          {corpusKeys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <label htmlFor="upload-file">File</label>
        <input id="upload-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        {progress !== null && (
          <div className="progress">
            <label htmlFor="upload-progress">Upload progress</label>
            <progress id="upload-progress" max={1} value={progress}>
              {Math.round(progress * 100)}%
            </progress>
            <span aria-hidden="true">{Math.round(progress * 100)}%</span>
          </div>
        )}
        <ErrorAlert error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Upload
        </button>
      </form>
    </section>
  );
}
