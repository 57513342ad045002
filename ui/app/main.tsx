// The `flowc ui` page: a header with the sections, and the page the location hash names.
import { render } from "preact";
import { useEffect } from "preact/hooks";
import { href, useRoute } from "./hooks";
import { RunsPage } from "./runs";
import { RunPage } from "./run";
import { ReviewsPage } from "./reviews";
import { FlowsPage, FlowPage } from "./flows";
import { CachePage } from "./cache";

function Page({ route }: { route: string[] }) {
  const [section, id, sub] = route;
  if (section === "runs" && id && sub === "reviews") return <ReviewsPage runId={id} />;
  if (section === "runs" && id) return <RunPage runId={id} />;
  if (section === "flows" && id === "file" && sub) return <FlowPage query={`file=${encodeURIComponent(route.slice(2).join("/"))}`} />;
  if (section === "flows" && id === "run" && sub) return <FlowPage query={`run=${encodeURIComponent(sub)}`} />;
  if (section === "flows") return <FlowsPage />;
  if (section === "cache") return <CachePage />;
  return <RunsPage />;
}

function App() {
  const route = useRoute();
  const section = route[0] ?? "runs";
  useEffect(() => {
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [route.join("/")]);
  const link = (name: string, label: string) => (
    <a href={href(name)} aria-current={section === name ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">flowc</span>
        <nav aria-label="Sections">
          {link("runs", "Runs")}
          {link("flows", "Flows")}
          {link("cache", "Cache")}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
