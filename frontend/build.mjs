// Builds the static files: one JS bundle (htmx + our code), one CSS file, and the inline icons.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/clientdesk/core/static/clientdesk/dist");
const iconsOut = join(root, "src/clientdesk/core/templates/icons");

// Every icon a template uses through {% icon "name" %}; a missing name fails the build.
const ICONS = [
  "activity", "archive", "archive-restore", "arrow-down", "arrow-left", "arrow-up", "arrow-up-down",
  "building-2", "check", "chevron-down", "chevron-right", "chevron-up", "chevrons-up-down",
  "circle-alert", "columns-3", "copy", "ellipsis", "filter", "folder-tree", "git-branch", "history",
  "house", "inbox", "info", "key-round", "list-tree", "log-out", "mail", "menu", "mail-plus", "pencil",
  "plug", "plus", "search", "send", "settings", "shield-check", "tag", "trash-2", "undo-2",
  "upload", "user", "user-cog", "user-plus", "users", "x",
  "download", "file-spreadsheet", "list-checks", // Bulk import
  "circle-dashed", "target", "hourglass", "circle-check", "triangle-alert", "circle-off",
  "eye-off", "user-check", // the status and engagement badges
  "ticket", "kanban", "wrench", "clock", "message-square", "lock", "timer", "chart-column", "flag-triangle-right", // tickets
  "file-text", // documents
  "monitor", "external-link", // devices
  "app-window", "package-plus", "circle-alert", // software
];

await build({
  // insights: the Insights page's chart (uPlot), loaded by that page alone (docs/insights.md).
  entryPoints: { app: join(root, "frontend/main.js"), insights: join(root, "frontend/insights.js") },
  bundle: true, minify: true, format: "iife", target: "es2020", outdir: out, logLevel: "warning",
});
await build({
  entryPoints: { app: join(root, "frontend/app.css") },
  bundle: true, minify: true, outdir: out, logLevel: "warning",
});
mkdirSync(iconsOut, { recursive: true });
for (const name of ICONS) {
  const src = join(root, "node_modules/lucide-static/icons", `${name}.svg`);
  if (!existsSync(src)) throw new Error(`icon ${name} is not in lucide-static`);
  copyFileSync(src, join(iconsOut, `${name}.svg`));
}
console.log(`front end built: ${out}, ${ICONS.length} icons`);
