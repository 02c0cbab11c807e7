import { useState } from 'react';
import { uploadFile } from '../api';
import { useAction } from '../hooks';
import { FormCard } from './FormCard';
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
  const action = useAction<'form'>();
  const target = corpus || corpusKeys[0] || '';

  const submit = async () => {
    if (!target || !file) throw new Error(!target ? 'Create a corpus first.' : 'Choose a file to upload.');
    setProgress(0);
    announce('');
    const doc = await uploadFile<{ id?: string }>(target, file, setProgress);
    announce(`Uploaded ${file.name} to ${target}: document ${doc.id ?? '(no id returned)'}.`);
    onUploaded();
  };

  return (
    <FormCard
      id="upload-heading"
      title="Upload a file"
      submitLabel="Upload"
      onSubmit={submit}
      action={action}
      at="form"
    >
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
    </FormCard>
  );
}
