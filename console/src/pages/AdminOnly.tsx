import { PageHeading } from '../components/PageHeading';

/** Shown on admin pages when the signed-in principal cannot administer the account. */
export function AdminOnly({ title, checking }: { title: string; checking: boolean }) {
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p>{checking ? 'Checking your access…' : 'This page needs a principal that can administer the account.'}</p>
    </>
  );
}
