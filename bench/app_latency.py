"""Tap-to-paint latency in the real window (issue 10, point 5; BENCHMARKS.md, "The app"). Run by
bench/app_latency.sh inside Xvfb with a tauri-driver whose app is the release build.

For each household size n (14 and 100): a new interview, Q101 = n, member 1's name, then on member 1's
next question with options the two first options are tapped alternately, `TAPS` times. The UI records, for
each tap, the time from the click handler to the frame after the new screen was drawn
(`window.__dalaTaps`, ui/src/main.ts `notePaint`): the IPC, the session's work (engine + the fsynced
write), the render and the paint. Prints the median, p90, p99 and max per size.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
from selenium.webdriver.common.by import By  # noqa: E402

from test_interview import click, current_question, find, give_consent, session, type_into, wait_for, wait_question  # noqa: E402

TAPS = int(os.environ.get("TAPS", "200"))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(n: int) -> list[float]:
    driver = session()
    try:
        driver.set_window_size(1280, 800)
        find(driver, "home-screen")
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
        driver.execute_script("window.__dalaTaps.length = 0")
        for i in range(TAPS):
            option = "option-1" if i % 2 == 0 else "option-2"
            click(driver, option)
            wait_for(lambda: driver.execute_script("return window.__dalaTaps.length") >= i + 1, f"tap {i + 1} painted", timeout=5)
        taps = driver.execute_script("return window.__dalaTaps.slice()")
        print(f"{n} members, {question}: {len(taps)} taps", file=sys.stderr)
        return [float(t) for t in taps]
    finally:
        driver.quit()


def main() -> int:
    for n in (14, 100):
        taps = run(n)
        print(
            f"{n:3} members: median {statistics.median(taps):5.1f} ms, p90 {pct(taps, 90):5.1f} ms, "
            f"p99 {pct(taps, 99):5.1f} ms, max {max(taps):5.1f} ms ({len(taps)} taps)"
        )
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
