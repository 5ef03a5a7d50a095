import { useRosterStore } from '../../store';

/** Problems staff must see before anything else: the app cannot reach its host, or the cache was reset. */
export function NoticeBanner() {
  const sessionError = useRosterStore((s) => s.sessionError);
  const cacheNotice = useRosterStore((s) => s.appInfo?.cacheNotice ?? null);
  if (!sessionError && !cacheNotice) return null;
  return (
    <div className="banners">
      {sessionError && (
        <div role="alert" className="banner banner--error">
          {sessionError}
        </div>
      )}
      {cacheNotice && (
        <div role="status" className="banner banner--warning">
          {cacheNotice}
        </div>
      )}
    </div>
  );
}
