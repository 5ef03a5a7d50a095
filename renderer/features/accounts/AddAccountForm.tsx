import { type FormEvent, useId, useState } from 'react';
import { useRosterStore } from '../../store';
import { selectAccountsBusy, selectKeychain } from '../../store/accounts-slice';

/**
 * Two-legged: the consumer key and secret from the school's /api page. The secret lives in this form's state only
 * until it is submitted: it is cleared at once, before the main process has even answered.
 */
export function AddAccountForm() {
  const busy = useRosterStore(selectAccountsBusy);
  const keychain = useRosterStore(selectKeychain);
  const addAccount = useRosterStore((s) => s.addAccount);
  const [baseUrl, setBaseUrl] = useState('');
  const [consumerKey, setConsumerKey] = useState('');
  const [consumerSecret, setConsumerSecret] = useState('');
  const ids = useId();
  const noKeychain = keychain !== null && !keychain.ok;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = { provider: 'schoology' as const, baseUrl, consumerKey, consumerSecret };
    setConsumerSecret('');
    void addAccount(input).then((added) => {
      if (added) setConsumerKey('');
    });
  };

  return (
    <form className="account-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Add account with an API key</h3>
      <p className="account-form__hint">Paste the consumer key and secret from your school's Schoology /api page.</p>
      <label htmlFor={`${ids}-base`}>API base URL</label>
      <input
        id={`${ids}-base`}
        type="url"
        required
        placeholder="https://api.schoology.com/v1"
        value={baseUrl}
        onChange={(event) => setBaseUrl(event.target.value)}
      />
      <label htmlFor={`${ids}-key`}>Consumer key</label>
      <input id={`${ids}-key`} required autoComplete="off" spellCheck={false} value={consumerKey} onChange={(event) => setConsumerKey(event.target.value)} />
      <label htmlFor={`${ids}-secret`}>Consumer secret</label>
      <input
        id={`${ids}-secret`}
        type="password"
        required
        autoComplete="off"
        value={consumerSecret}
        onChange={(event) => setConsumerSecret(event.target.value)}
      />
      <button type="submit" disabled={busy !== 'idle' || noKeychain}>
        {busy === 'adding' ? 'Checking with the LMS…' : 'Add account'}
      </button>
    </form>
  );
}
