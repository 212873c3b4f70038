/**
 * Subscribes to a server-sent-events stream while the tab is visible. Hidden tab → the stream is
 * closed (no work for the server, no chart updates); visible again → it reconnects and `onResume`
 * lets the caller refill the gap from the REST history.
 */
import { useEffect, useRef, useState } from "react";

export type StreamStatus = "connecting" | "open" | "paused" | "error";

export function useEventStream<T>(
  url: string | null,
  opts: { event?: string; onMessage: (data: T) => void; onResume?: () => void },
): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const cb = useRef(opts);
  cb.current = opts;

  useEffect(() => {
    if (!url || typeof EventSource === "undefined") return;
    let es: EventSource | null = null;
    let wasHidden = false;
    const open = () => {
      if (es) return;
      setStatus("connecting");
      es = new EventSource(url);
      const handler = (e: MessageEvent<string>) => {
        try {
          cb.current.onMessage(JSON.parse(e.data) as T);
        } catch {
          /* a malformed event is skipped; the next one will do */
        }
      };
      es.addEventListener(cb.current.event ?? "message", handler as EventListener);
      es.onopen = () => setStatus("open");
      // EventSource reconnects by itself; show the state meanwhile.
      es.onerror = () => setStatus(es?.readyState === EventSource.CLOSED ? "error" : "connecting");
    };
    const close = () => {
      es?.close();
      es = null;
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") {
        wasHidden = true;
        close();
        setStatus("paused");
      } else {
        open();
        if (wasHidden) cb.current.onResume?.();
        wasHidden = false;
      }
    };
    if (document.visibilityState === "hidden") setStatus("paused");
    else open();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      close();
    };
  }, [url]);

  return status;
}
