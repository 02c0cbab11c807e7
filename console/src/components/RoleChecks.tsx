import { ACCOUNT_ROLES } from '../types';

interface Props {
  idPrefix: string;
  value: string[];
  onChange: (roles: string[]) => void;
}

/** Checkboxes for account-level API roles. */
export function RoleChecks({ idPrefix, value, onChange }: Props) {
  return (
    <fieldset>
      <legend>Roles</legend>
      {ACCOUNT_ROLES.map((role) => (
        <div key={role} className="check">
          <input
            id={`${idPrefix}-${role}`}
            type="checkbox"
            checked={value.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...value, role] : value.filter((r) => r !== role))}
          />
          <label htmlFor={`${idPrefix}-${role}`}>{role}</label>
        </div>
      ))}
    </fieldset>
  );
}
