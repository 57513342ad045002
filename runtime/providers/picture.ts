// The simulated provider's pictures: a small SVG per output, drawn from what the output is (its
// id, op, model, variant and metrics) and nothing else, so the same run draws the same pictures.
// They give a demo run something to look at in `flowc ui`; a real provider's outputs are shown
// from their own values (URLs, files).
import { sha256 } from "../hash";

export interface PictureSubject {
  id: string;
  op: string;
  model?: string;
  /** the variant's index among its call's outputs, when the node makes several */
  variant?: number;
  metrics: Record<string, number>;
  /** the output's content hash: a different output, a different colour */
  hash: string;
}

export interface Picture {
  /** file extension, without the dot */
  extension: string;
  kind: "image";
  data: string;
}

const SIZE = 256;

export function simulatedPicture(subject: PictureSubject): Picture {
  const digest = sha256(`${subject.id}|${subject.hash}`);
  const hue = parseInt(digest.slice(0, 4), 16) % 360;
  const second = (hue + 40 + (parseInt(digest.slice(4, 6), 16) % 80)) % 360;
  const metrics = Object.entries(subject.metrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const bars = metrics.slice(0, 4).map(([name, value], i) => metricBar(name, value, 150 + i * 24));
  const variant = subject.variant !== undefined ? `variant ${subject.variant}` : "";
  const shapes = [0, 1, 2].map((i) => {
    const x = 40 + (parseInt(digest.slice(8 + i * 4, 10 + i * 4), 16) % 176);
    const y = 30 + (parseInt(digest.slice(10 + i * 4, 12 + i * 4), 16) % 80);
    const r = 14 + (parseInt(digest.slice(20 + i * 2, 22 + i * 2), 16) % 30);
    return `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${(second + i * 30) % 360} 70% 70%)" fill-opacity="0.55"/>`;
  });
  const data = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-label="${escapeXml(subject.id)}">`,
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 55% 38%)"/><stop offset="1" stop-color="hsl(${second} 55% 22%)"/></linearGradient></defs>`,
    `<rect width="${SIZE}" height="${SIZE}" fill="url(#g)"/>`,
    ...shapes,
    `<text x="12" y="26" font-family="sans-serif" font-size="15" font-weight="bold" fill="#fff">${escapeXml(subject.op)}${subject.model ? ` · ${escapeXml(subject.model)}` : ""}</text>`,
    `<text x="12" y="122" font-family="monospace" font-size="14" fill="#fff">${escapeXml(subject.id)}</text>`,
    variant ? `<text x="12" y="140" font-family="sans-serif" font-size="12" fill="#fff">${variant}</text>` : "",
    ...bars,
    `</svg>`,
  ];
  return { extension: "svg", kind: "image", data: data.filter(Boolean).join("\n") + "\n" };
}

function metricBar(name: string, value: number, y: number): string {
  const width = Math.round(Math.max(0, Math.min(1, value)) * 120);
  return [
    `<text x="12" y="${y + 12}" font-family="sans-serif" font-size="11" fill="#fff">${escapeXml(name)}</text>`,
    `<rect x="104" y="${y + 2}" width="120" height="12" fill="#000" fill-opacity="0.35"/>`,
    `<rect x="104" y="${y + 2}" width="${width}" height="12" fill="#fff" fill-opacity="0.85"/>`,
    `<text x="228" y="${y + 12}" font-family="sans-serif" font-size="10" fill="#fff">${value.toFixed(2)}</text>`,
  ].join("");
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
