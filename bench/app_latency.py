"""Tap-to-paint latency in the real window (issue 10, point 5; BENCHMARKS.md, "The app"). Run by
bench/app_latency.sh inside Xvfb with a tauri-driver whose app is the release build.

For each household size n (14 and 100): a new interview, Q101 = n, member 1's name, then on member 1's
next question with options the two first options are tapped alternately, `TAPS` times. The UI records, for
each tap, the time from the click handler to the frame after the new screen was drawn
(`window.__dalaTaps`, ui/src/main.ts `notePaint`): the IPC, the session's work (engine + the fsynced
write), the render and the paint. Prints the median, p90, p99 and max per size, and the same for each
phase of a tap (`window.__dalaPhases`): the reply (the click handler to the command's answer parsed: the
IPC both ways, the session's work, the JSON), the draw (lit-html rendering the new screen into the DOM) and
the paint (from the draw to the task after the next animation frame: style, layout and paint by WebKit); and
the session's own part of the reply, which the shell prints with DALA_TIMING (`answer … us`).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
from selenium.webdriver.common.by import By  # noqa: E402

from test_interview import click, current_question, find, give_consent, home_ready, session, type_into, wait_for, wait_question  # noqa: E402

TAPS = int(os.environ.get("TAPS", "200"))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(n: int) -> list[float]:
    driver = session()
    try:
        driver.set_window_size(1280, 800)
        home_ready(driver)
        click(driver, "new-interview")
        find(driver, "interview-screen")
        give_consent(driver)
        click(driver, "block-1")
        wait_question(driver, "Q101")
        type_into(driver, "num-input", str(n))
        click(driver, "next")
        try:
            wait_question(driver, "Q102")
        except AssertionError:
            driver.save_screenshot(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"latency-{n}.png"))
            raise
        type_into(driver, "text-input", "Айгуль")
        click(driver, "next")
        wait_for(lambda: current_question(driver) != "Q102", "past the name")
        # The first question after the name that offers options.
        for _ in range(10):
            if driver.find_elements(By.CSS_SELECTOR, '[data-testid="option-2"]'):
                break
            before = current_question(driver)
            click(driver, "next")
            wait_for(lambda: current_question(driver) != before, "the next question")
        question = current_question(driver)
        driver.execute_script("window.__dalaTaps.length = 0; window.__dalaPhases.length = 0")
        for i in range(TAPS):
            option = "option-1" if i % 2 == 0 else "option-2"
            click(driver, option)
            wait_for(lambda: driver.execute_script("return window.__dalaTaps.length") >= i + 1, f"tap {i + 1} painted", timeout=5)
        taps = driver.execute_script("return window.__dalaTaps.slice()")
        phases = driver.execute_script("return window.__dalaPhases.slice()")
        print(f"{n} members, {question}: {len(taps)} taps", file=sys.stderr)
        return [float(t) for t in taps], [[float(x) for x in p] for p in phases]
    finally:
        driver.quit()


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):5.1f} ms, p90 {pct(values, 90):5.1f} ms, "
        f"p99 {pct(values, 99):5.1f} ms, max {max(values):5.1f} ms"
    )


def session_times() -> list[float]:
    """The session's part of each answer (ms), from the app's log (tauri-driver's, beside the database)."""
    log = os.path.join(os.path.dirname(os.environ["DALA_DB"]), "tauri-driver.log")
    out = []
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("dala-app: answer ") and line.rstrip().endswith(" us"):
                out.append(int(line.split()[2]) / 1000)
    return out


def main() -> int:
    seen = 0
    for n in (14, 100):
        taps, phases = run(n)
        print(f"{n:3} members: {summary(taps)} ({len(taps)} taps)")
        for i, name in enumerate(("reply", "draw", "paint")):
            print(f"     {name:>7}: {summary([p[i] for p in phases])}")
        times = session_times()
        mine, seen = times[seen:], len(times)
        if len(mine) >= len(taps):
            print(f"     {'session':>7}: {summary(mine[-len(taps):])} (inside the reply)")
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
