/**
 * The labelled inputs the account forms ask for: which LMS, addresses of the school's LMS, a consumer key and secret, a Canvas token,
 * and a Canvas developer key.
 * The secret is a password input with no autocomplete, so the browser never offers to remember it.
 */
interface UrlFieldProps {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}

export function UrlField({ id, label, placeholder, value, onChange }: UrlFieldProps) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="url" required placeholder={placeholder} value={value} onChange={(event) => onChange(event.target.value)} />
    </>
  );
}

interface ConsumerFieldsProps {
  /** The form's useId(): the inputs get `${ids}-key` and `${ids}-secret`. */
  ids: string;
  /** "" for the school's own key (two-legged), "App " for the app's key (three-legged). */
  labelPrefix: string;
  consumerKey: string;
  onConsumerKey: (value: string) => void;
  consumerSecret: string;
  onConsumerSecret: (value: string) => void;
}

export function ConsumerFields({ ids, labelPrefix, consumerKey, onConsumerKey, consumerSecret, onConsumerSecret }: ConsumerFieldsProps) {
  const label = (noun: string) => (labelPrefix ? `${labelPrefix}${noun}` : noun.charAt(0).toUpperCase() + noun.slice(1));
  return (
    <>
      <label htmlFor={`${ids}-key`}>{label('consumer key')}</label>
      <input id={`${ids}-key`} required autoComplete="off" spellCheck={false} value={consumerKey} onChange={(event) => onConsumerKey(event.target.value)} />
      <label htmlFor={`${ids}-secret`}>{label('consumer secret')}</label>
      <input
        id={`${ids}-secret`}
        type="password"
        required
        autoComplete="off"
        value={consumerSecret}
        onChange={(event) => onConsumerSecret(event.target.value)}
      />
    </>
  );
}

interface CanvasTokenFieldProps {
  id: string;
  token: string;
  onToken: (value: string) => void;
}

/** A Canvas personal access token: a password input like the consumer secret, with where to make one. */
export function CanvasTokenField({ id, token, onToken }: CanvasTokenFieldProps) {
  return (
    <>
      <label htmlFor={id}>Access token</label>
      <input
        id={id}
        type="password"
        required
        autoComplete="off"
        aria-describedby={`${id}-help`}
        value={token}
        onChange={(event) => onToken(event.target.value)}
      />
      <p id={`${id}-help`} className="account-form__hint">
        Create one in Canvas under Account → Settings → Approved Integrations → New access token.
      </p>
    </>
  );
}

interface CanvasClientFieldsProps {
  /** The form's useId(): the inputs get `${ids}-client-id` and `${ids}-client-secret`. */
  ids: string;
  clientId: string;
  onClientId: (value: string) => void;
  clientSecret: string;
  onClientSecret: (value: string) => void;
}

/** A Canvas developer key for "Sign in with Canvas" (OAuth2): its ID (digits) and its secret, with where to find them. */
export function CanvasClientFields({ ids, clientId, onClientId, clientSecret, onClientSecret }: CanvasClientFieldsProps) {
  return (
    <>
      <label htmlFor={`${ids}-client-id`}>Client ID</label>
      <input
        id={`${ids}-client-id`}
        required
        inputMode="numeric"
        pattern="[0-9]+"
        autoComplete="off"
        spellCheck={false}
        aria-describedby={`${ids}-client-help`}
        value={clientId}
        onChange={(event) => onClientId(event.target.value)}
      />
      <label htmlFor={`${ids}-client-secret`}>Client secret</label>
      <input
        id={`${ids}-client-secret`}
        type="password"
        required
        autoComplete="off"
        aria-describedby={`${ids}-client-help`}
        value={clientSecret}
        onChange={(event) => onClientSecret(event.target.value)}
      />
      <p id={`${ids}-client-help`} className="account-form__hint">
        A Canvas admin finds both under Admin → Developer Keys (the key's ID and its Show Key).
      </p>
    </>
  );
}

export type LmsKind = 'schoology' | 'canvas';

export const LMS_NAME: Record<LmsKind, string> = { schoology: 'Schoology', canvas: 'Canvas' };

/** The LMS radio group both account forms open with. */
export function LmsChoice({ name, value, onChoose }: { name: string; value: LmsKind; onChoose: (lms: LmsKind) => void }) {
  return (
    <fieldset className="account-form__provider">
      <legend>LMS</legend>
      {(['schoology', 'canvas'] as const).map((lms) => (
        <label key={lms}>
          <input type="radio" name={name} value={lms} checked={value === lms} onChange={() => onChoose(lms)} />
          {LMS_NAME[lms]}
        </label>
      ))}
    </fieldset>
  );
}
