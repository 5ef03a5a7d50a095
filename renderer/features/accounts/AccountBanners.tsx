import { useRosterStore } from '../../store';
import { selectAccountBanner, selectKeychain } from '../../store/accounts-slice';

/**
 * The account banners: no usable keychain (with what to install or unlock), and how the last add, sign-in or sign-out
 * ended. They sit with the app's other banners, so they are seen whether or not the Accounts panel is open.
 */
export function AccountBanners() {
  const keychain = useRosterStore(selectKeychain);
  const banner = useRosterStore(selectAccountBanner);
  const dismiss = useRosterStore((s) => s.dismissAccountBanner);
  const keychainMissing = keychain && !keychain.ok ? keychain.message : null;
  if (!keychainMissing && !banner) return null;
  return (
    <div className="banners">
      {keychainMissing && (
        <div role="alert" className="banner banner--error">
          <strong>Accounts cannot be added or signed in: </strong>
          {keychainMissing}. The offline cache still opens; nothing secret is ever stored anywhere else.
        </div>
      )}
      {banner && (
        <div role={banner.tone === 'error' ? 'alert' : 'status'} className={`banner banner--dismissable banner--${banner.tone === 'error' ? 'error' : 'success'}`}>
          <span>{banner.text}</span>
          <button type="button" className="link-button" onClick={dismiss} aria-label="Dismiss this message">
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
