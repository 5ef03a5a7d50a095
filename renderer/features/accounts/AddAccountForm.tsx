import { type FormEvent, useId, useState } from 'react';
import type { AddAccountInput } from '../../../shared/api';
import { useRosterStore } from '../../store';
import { CanvasTokenField, ConsumerFields, LmsChoice, UrlField } from './CredentialFields';
import { selectAccountsBusy, selectKeychain } from '../../store/accounts-slice';

type AddableProvider = AddAccountInput['provider'];

/**
 * Two-legged Schoology (the consumer key and secret from the school's /api page) or a Canvas personal access token.
 * The secret or token lives in this form's state only until it is submitted: it is cleared at once, before the main
 * process has even answered.
 */
export function AddAccountForm() {
  const busy = useRosterStore(selectAccountsBusy);
  const keychain = useRosterStore(selectKeychain);
  const addAccount = useRosterStore((s) => s.addAccount);
  const [provider, setProvider] = useState<AddableProvider>('schoology');
  const [baseUrl, setBaseUrl] = useState('');
  const [consumerKey, setConsumerKey] = useState('');
  const [consumerSecret, setConsumerSecret] = useState('');
  const [token, setToken] = useState('');
  const ids = useId();
  const noKeychain = keychain !== null && !keychain.ok;

  const choose = (next: AddableProvider) => {
    // An address typed for one LMS is not the other's, and a secret must not linger behind a hidden field.
    setProvider(next);
    setBaseUrl('');
    setConsumerSecret('');
    setToken('');
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: AddAccountInput =
      provider === 'canvas' ? { provider, baseUrl, token } : { provider, baseUrl, consumerKey, consumerSecret };
    setConsumerSecret('');
    setToken('');
    void addAccount(input).then((added) => {
      if (added) setConsumerKey('');
    });
  };

  return (
    <form className="account-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Add account with an API key</h3>
      <LmsChoice name={`${ids}-provider`} value={provider} onChoose={choose} />
      {provider === 'canvas' ? (
        <>
          <p className="account-form__hint">Paste your school's Canvas address and a personal access token.</p>
          <UrlField id={`${ids}-base`} label="Canvas address" placeholder="https://school.instructure.com" value={baseUrl} onChange={setBaseUrl} />
          <CanvasTokenField id={`${ids}-token`} token={token} onToken={setToken} />
        </>
      ) : (
        <>
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
        </>
      )}
      <button type="submit" disabled={busy !== 'idle' || noKeychain}>
        {busy === 'adding' ? 'Checking with the LMS…' : 'Add account'}
      </button>
    </form>
  );
}
