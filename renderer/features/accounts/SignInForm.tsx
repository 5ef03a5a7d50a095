import { type FormEvent, useId, useState } from 'react';
import { useRosterStore } from '../../store';
import { ConsumerFields, UrlField } from './CredentialFields';
import { selectAccountsBusy, selectKeychain, selectSignInWait } from '../../store/accounts-slice';

/**
 * Three-legged "Sign in with Schoology": the school's addresses and the app's consumer key and secret; the user then
 * allows Roster Desk on the school's own page, and no password of theirs ever passes through the app.
 */
export function SignInForm() {
  const busy = useRosterStore(selectAccountsBusy);
  const keychain = useRosterStore(selectKeychain);
  const wait = useRosterStore(selectSignInWait);
  const signIn = useRosterStore((s) => s.signIn);
  const cancelSignIn = useRosterStore((s) => s.cancelSignIn);
  const [baseUrl, setBaseUrl] = useState('');
  const [webUrl, setWebUrl] = useState('');
  const [consumerKey, setConsumerKey] = useState('');
  const [consumerSecret, setConsumerSecret] = useState('');
  const ids = useId();
  const noKeychain = keychain !== null && !keychain.ok;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = { provider: 'schoology' as const, baseUrl, webUrl, consumerKey, consumerSecret };
    setConsumerSecret('');
    void signIn(input);
  };

  if (wait) {
    return (
      <div className="account-form account-form--waiting" role="status" aria-labelledby={`${ids}-waiting`}>
        <p id={`${ids}-waiting`}>Waiting for you to allow Roster Desk at the school's page…</p>
        <p className="account-form__hint">
          The page opened in your browser. If it did not,{' '}
          <a href={wait.authorizeUrl} target="_blank" rel="noopener noreferrer">
            open the school's sign-in page
          </a>
          .
        </p>
        <button type="button" onClick={() => void cancelSignIn()}>
          Cancel sign-in
        </button>
      </div>
    );
  }

  return (
    <form className="account-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Sign in with Schoology</h3>
      <p className="account-form__hint">You allow Roster Desk on your school's Schoology page; your password never passes through the app.</p>
      <UrlField id={`${ids}-base`} label="API base URL" placeholder="https://api.schoology.com/v1" value={baseUrl} onChange={setBaseUrl} />
      <UrlField id={`${ids}-web`} label="School web address" placeholder="https://district.schoology.com" value={webUrl} onChange={setWebUrl} />
      <ConsumerFields
        ids={ids}
        labelPrefix="App "
        consumerKey={consumerKey}
        onConsumerKey={setConsumerKey}
        consumerSecret={consumerSecret}
        onConsumerSecret={setConsumerSecret}
      />
      <button type="submit" disabled={busy !== 'idle' || noKeychain}>
        {busy === 'starting-sign-in' ? 'Opening the school’s page…' : 'Sign in with Schoology'}
      </button>
    </form>
  );
}
