// Run axe-core (WCAG 2.1 A/AA rules) on local HTML files in Debian's chromium; print JSON.
//   node axe_check.cjs REPORT.html [...]
// Exit 0 with {"file": [violations...]} on stdout; exit 2 on usage error, 1 on browser failure.
const path = require("path");
const { chromium } = require("playwright-core");
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

(async () => {
  const files = process.argv.slice(2);
  if (!files.length) { console.error("usage: node axe_check.cjs REPORT.html ..."); process.exit(2); }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: FLAGS, headless: true });
  const out = {};
  try {
    for (const file of files) {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => await axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        resultTypes: ["violations"] }));
      out[file] = result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => ({ target: n.target, summary: n.failureSummary })) ,
        count: v.nodes.length }));
      await context.close();
    }
  } finally { await browser.close(); }
  console.log(JSON.stringify(out, null, 1));
})().catch(e => { console.error(String(e)); process.exit(1); });
