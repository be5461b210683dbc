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
  "activity", "building-2", "check", "chevrons-up-down", "circle-alert", "copy", "house",
  "info", "key-round", "log-out", "mail", "send", "settings", "trash-2", "user-plus", "users",
  "x", "inbox", "shield-check", "arrow-left",
];

await build({
  entryPoints: { app: join(root, "frontend/main.js") },
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
