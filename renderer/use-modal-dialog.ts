import { useEffect, useRef, type RefObject } from 'react';

/**
 * Opens a native <dialog> as a modal for as long as the component is mounted. showModal() gives the focus trap,
 * the inert page behind and Escape for free; the focus goes back to whatever opened the dialog when it unmounts,
 * because React removes the element before close() could restore it on its own.
 */
export function useModalDialog(): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return ref;
}
