// The cache: entries by flow and node with their age, TTL and size; clear a node or a flow (as
// `flowc cache clear --flow F [--node N]`).
import { useState } from "preact/hooks";
import { postJson } from "./api";
import { Head, Loading, Notice, Scroll } from "./common";
import { bytes, duration } from "./format";
import { useResource } from "./hooks";
import type { CacheView } from "../views";

export function CachePage() {
  const cache = useResource<CacheView>("/api/cache");
  const [said, setSaid] = useState<{ kind: "info" | "error"; text: string } | undefined>();
  if (!cache.data) return <Loading error={cache.error} what="the cache" />;
  const clear = async (flow: string, node?: string) => {
    try {
      const result = await postJson<CacheView & { removed: number }>("/api/cache/clear", { flow, ...(node ? { node } : {}) });
      cache.set(result);
      setSaid({ kind: "info", text: `Removed ${result.removed} entr${result.removed === 1 ? "y" : "ies"} of ${node ? `${flow} / ${node}` : flow}.` });
    } catch (e) {
      setSaid({ kind: "error", text: e instanceof Error ? e.message : String(e) });
    }
  };
  const flows = [...new Set(cache.data.nodes.map((n) => n.flow))];
  return (
    <section aria-labelledby="cache-title">
      <h1 id="cache-title">Cache</h1>
      <p>
        {cache.data.entries} {cache.data.entries === 1 ? "entry" : "entries"}, {bytes(cache.data.totalBytes)}.
      </p>
      {said && <Notice kind={said.kind}>{said.text}</Notice>}
      {flows.map((flow) => (
        <section aria-labelledby={`cache-${flow}`}>
          <h2 id={`cache-${flow}`}>
            {flow}{" "}
            <button type="button" class="small" onClick={() => void clear(flow)}>
              Clear flow {flow}
            </button>
          </h2>
          <Scroll label={`Cache entries of ${flow}`}>
            <table>
              <Head cols={["Node", "#Entries", "#Size", "#Newest", "#Oldest", "#TTL", "Actions"]} />
              <tbody>
                {cache.data!.nodes
                  .filter((n) => n.flow === flow)
                  .map((n) => (
                    <tr key={n.node}>
                      <th scope="row">{n.node}</th>
                      <td class="num">{n.entries}</td>
                      <td class="num">{bytes(n.bytes)}</td>
                      <td class="num">{duration(n.newestSeconds)}</td>
                      <td class="num">{duration(n.oldestSeconds)}</td>
                      <td class="num">{n.ttlSeconds !== undefined ? duration(n.ttlSeconds) : ""}</td>
                      <td>
                        <button type="button" class="small" onClick={() => void clear(flow, n.node)}>
                          Clear node {n.node} of {flow}
                        </button>
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </Scroll>
        </section>
      ))}
      {flows.length === 0 && <p>The cache is empty.</p>}
    </section>
  );
}
