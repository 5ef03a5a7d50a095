import { type FormEvent, useId, useState } from 'react';
import type { BeginSignInInput } from '../../../shared/api';
import { useRosterStore } from '../../store';
import { CanvasClientFields, ConsumerFields, LMS_NAME, LmsChoice, UrlField } from './CredentialFields';
import { selectAccountsBusy, selectKeychain, selectSignInWait } from '../../store/accounts-slice';

type SignInProvider = BeginSignInInput['provider'];

/**
 * Signing in through the school's own page: "Sign in with Schoology" (three-legged, the school's addresses and the
 * app's consumer key and secret) or "Sign in with Canvas" (OAuth2, the Canvas address and a developer key's client ID
 * and secret). The user then allows Roster Desk on the school's page, and no password of theirs ever passes through
 * the app; the secret lives in this form's state only until it is submitted.
 */
export function SignInForm() {
  const busy = useRosterStore(selectAccountsBusy);
  const keychain = useRosterStore(selectKeychain);
  const wait = useRosterStore(selectSignInWait);
  const signIn = useRosterStore((s) => s.signIn);
  const cancelSignIn = useRosterStore((s) => s.cancelSignIn);
  const [provider, setProvider] = useState<SignInProvider>('schoology');
  const [baseUrl, setBaseUrl] = useState('');
  const [webUrl, setWebUrl] = useState('');
  const [consumerKey, setConsumerKey] = useState('');
  const [consumerSecret, setConsumerSecret] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const ids = useId();
  const noKeychain = keychain !== null && !keychain.ok;
  const lms = LMS_NAME[provider];

  const choose = (next: SignInProvider) => {
    // An address typed for one LMS is not the other's, and a secret must not linger behind a hidden field.
    setProvider(next);
    setBaseUrl('');
    setConsumerSecret('');
    setClientSecret('');
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: BeginSignInInput =
      provider === 'canvas' ? { provider, baseUrl, clientId, clientSecret } : { provider, baseUrl, webUrl, consumerKey, consumerSecret };
    setConsumerSecret('');
    setClientSecret('');
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
      <h3 id={`${ids}-title`}>Sign in with {lms}</h3>
      <LmsChoice name={`${ids}-provider`} value={provider} onChoose={choose} />
      {provider === 'canvas' ? (
        <>
          <p className="account-form__hint">You authorize Roster Desk on your school's Canvas page; your password never passes through the app.</p>
          <UrlField id={`${ids}-base`} label="Canvas address" placeholder="https://school.instructure.com" value={baseUrl} onChange={setBaseUrl} />
          <CanvasClientFields
            ids={ids}
            clientId={clientId}
            onClientId={setClientId}
            clientSecret={clientSecret}
            onClientSecret={setClientSecret}
          />
        </>
      ) : (
        <>
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
        </>
      )}
      <button type="submit" disabled={busy !== 'idle' || noKeychain}>
        {busy === 'starting-sign-in' ? 'Opening the school’s page…' : `Sign in with ${lms}`}
      </button>
    </form>
  );
}
