"""The chart library measurement of docs/insights.md: uPlot, Chart.js and ECharts drawing 365
days × 8 series in Debian's Chromium, under the app's CSP (script-src and style-src 'self').

    cd bench/charts && npm install --no-save uplot chart.js echarts
    for f in u c e; do ../../node_modules/.bin/esbuild $f.js --bundle --minify --format=iife \\
        --outfile=out-$f.js; gzip -9c out-$f.js | wc -c; done
    cp node_modules/uplot/dist/uPlot.min.css . && ../../.venv/bin/python measure.py
"""

import functools
import http.server
import os
import statistics
import threading

from playwright.sync_api import sync_playwright

HERE = os.path.dirname(os.path.abspath(__file__))
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):
        pass


def main() -> None:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 8765), functools.partial(Handler, directory=HERE)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name in "uce":
            times: list[float] = []
            violations: set[str] = set()

            def watch(message, found=violations):
                if "Content Security" in message.text or "Refused" in message.text:
                    found.add(message.text[:120])

            for _ in range(7):
                page = browser.new_page()
                page.on("console", watch)
                page.goto(f"http://127.0.0.1:8765/p-{name}.html")
                page.wait_for_function("window.T !== undefined")
                times.append(page.evaluate("window.T"))
                page.close()
            print(
                name,
                "median ms",
                round(statistics.median(times), 1),
                "min",
                round(min(times), 1),
                "csp:",
                violations or "none",
            )
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
