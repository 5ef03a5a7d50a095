import { type FormEvent, useId, useState } from 'react';
import { useRosterStore } from '../../store';
import { ConsumerFields, UrlField } from './CredentialFields';
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
      <UrlField id={`${ids}-base`} label="API base URL" placeholder="https://api.schoology.com/v1" value={baseUrl} onChange={setBaseUrl} />
      <ConsumerFields
        ids={ids}
        labelPrefix=""
        consumerKey={consumerKey}
        onConsumerKey={setConsumerKey}
        consumerSecret={consumerSecret}
        onConsumerSecret={setConsumerSecret}
      />
      <button type="submit" disabled={busy !== 'idle' || noKeychain}>
        {busy === 'adding' ? 'Checking with the LMS…' : 'Add account'}
      </button>
    </form>
  );
}
