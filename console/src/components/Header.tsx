import type { Route } from '../route';

interface Props {
  route: Route;
  isAdmin: boolean;
  who: string;
  onSignOut: () => void;
}

const LINKS: { route: Route; label: string; admin?: boolean }[] = [
  { route: 'keys', label: 'API keys' },
  { route: 'corpora', label: 'Corpora' },
  { route: 'playground', label: 'Playground' },
  { route: 'users', label: 'Users', admin: true },
  { route: 'app-clients', label: 'App clients', admin: true },
];

/** Site header: main navigation and sign-out. */
export function Header({ route, isAdmin, who, onSignOut }: Props) {
  return (
    <header className="site-header">
      <p className="brand">Quarry console</p>
      <nav aria-label="Main">
        <ul>
          {LINKS.filter((l) => !l.admin || isAdmin).map((l) => (
            <li key={l.route}>
              <a href={`#/${l.route}`} aria-current={route === l.route ? 'page' : undefined}>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="who">
        <span className="muted">{who}</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
