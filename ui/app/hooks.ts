// Loading a page's data, again every second while `poll` says the server is still working on it.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { getJson } from "./api";

export interface Resource<T> {
  data: T | undefined;
  error: string | undefined;
  /** replace the data (with what a change returned) */
  set(data: T): void;
  reload(): void;
}

export function useResource<T>(path: string, poll?: (data: T) => boolean): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const pollRef = useRef(poll);
  pollRef.current = poll;
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    getJson<T>(path)
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        if (pollRef.current?.(value)) timer = window.setTimeout(() => setTick((t) => t + 1), 1000);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [path, tick]);
  const set = useCallback((value: T) => {
    setData(value);
    setError(undefined);
    if (pollRef.current?.(value)) setTick((t) => t + 1);
  }, []);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, set, reload };
}

/** The location hash as a route: `#/runs/ID` → ["runs", "ID"]. */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join("/")}`;
}
