// Minify the reader widget's sources into dist/, which the server serves.
//
//   npm run build-widget    write src/corrigo/widget/dist/*
//   npm run check-widget    exit 1 if dist/ is not what the sources build to
//
// Only the code is built here, with versions pinned in package.json so the
// output is reproducible. The texts (i18n/*.json) and the stylesheet are put
// into the code by the server when it starts (corrigo/widget/bundle.py), so
// adding a language needs no build.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { minify } from "terser";
import { minify as minifyCss } from "csso";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const terser = {
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false, ascii_only: false },
};

async function build() {
  const source = (name) => readFile(join(here, name), "utf8");
  const loader = await minify(await source("loader.js"), { ...terser, module: false });
  const dialog = await minify(await source("dialog.js"), { ...terser, module: true });
  return {
    "loader.min.js": loader.code + "\n",
    "dialog.min.js": dialog.code + "\n",
    "dialog.min.css": minifyCss(await source("dialog.css")).css + "\n",
  };
}

const files = await build();
if (process.argv.includes("--check")) {
  const stale = [];
  for (const [name, code] of Object.entries(files)) {
    const current = await readFile(join(dist, name), "utf8").catch(() => null);
    if (current !== code) stale.push(name);
  }
  if (stale.length) {
    console.error(`widget dist/ is stale (${stale.join(", ")}): run npm run build-widget`);
    process.exit(1);
  }
} else {
  await mkdir(dist, { recursive: true });
  for (const [name, code] of Object.entries(files)) await writeFile(join(dist, name), code);
}
