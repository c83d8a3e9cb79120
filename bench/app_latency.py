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
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
from selenium.webdriver.common.by import By  # noqa: E402

from test_interview import click, current_question, find, give_consent, grab, home_ready, session, type_into, wait_for, wait_question  # noqa: E402

TAPS = int(os.environ.get("TAPS", "200"))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def x_tap(option: str) -> None:
    """A real pointer press on the option through the X server (`xdotool`), held 60 ms as a finger holds it;
    the UI's clock starts at the click, when the button is released."""
    x, y = X_TARGETS[option]
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "mousedown", "1", "sleep", "0.06", "mouseup", "1"], check=True)


X_TARGETS: dict[str, tuple[int, int]] = {}


def tap_series(driver, taps: int, tap) -> tuple[list[float], list[list[float]]]:
    """`taps` taps alternately on the two first options; the UI's own measures of each (ms)."""
    for option in ("option-1", "option-2"):
        X_TARGETS[option] = tuple(
            driver.execute_script(
                """const r = document.querySelector('[data-testid="%s"]').getBoundingClientRect();
                return [Math.round(window.screenX + r.left + r.width / 2), Math.round(window.screenY + r.top + r.height / 2)];"""
                % option
            )
        )
    driver.execute_script("window.__dalaTaps.length = 0; window.__dalaPhases.length = 0")
    for i in range(taps):
        tap("option-1" if i % 2 == 0 else "option-2")
        if tap is x_tap:
            # Nothing asks the window anything while it works (a WebDriver call would hold its main
            # loop); a tap takes ~15 ms, the next comes 150 ms later.
            time.sleep(0.15)
        else:
            wait_for(lambda: driver.execute_script("return window.__dalaTaps.length") >= i + 1, f"tap {i + 1} painted", timeout=5)
    got = driver.execute_script("return [window.__dalaTaps.slice(), window.__dalaPhases.slice()]")
    if len(got[0]) != taps:
        raise AssertionError(f"{len(got[0])} of {taps} taps were painted")
    return [float(t) for t in got[0]], [[float(x) for x in p] for p in got[1]]


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
            grab(driver, os.path.join(os.environ.get("TMPDIR", "/tmp"), f"latency-{n}.png"))
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
        real = tap_series(driver, TAPS, x_tap)
        webdriver = tap_series(driver, TAPS, lambda option: click(driver, option))
        # The IPC's floor on the same screen: a command that does nothing (`ui_ready`), TAPS round trips.
        floor = driver.execute_async_script(
            """const done = arguments[arguments.length - 1];
            const invoke = window.__TAURI_INTERNALS__.invoke;
            const out = [];
            (async () => {
              for (let i = 0; i < %d; i++) {
                const t = performance.now();
                await invoke("ui_ready", { ui_lang: "en" });
                out.push(performance.now() - t);
              }
              done(out);
            })().catch((e) => done(String(e && (e.message || JSON.stringify(e)))));""" % TAPS
        )
        phases = driver.execute_script("return window.__dalaPhases.slice()")
        print(f"{n} members, {question}: {TAPS} taps", file=sys.stderr)
        # The same answers without the click: the command alone, from script, alternately 1 and 2.
        bare = driver.execute_async_script(
            """const done = arguments[arguments.length - 1];
            const invoke = window.__TAURI_INTERNALS__.invoke;
            const out = [];
            (async () => {
              const list = await invoke("list_interviews", { ui_lang: "en" });
              const id = list.find((i) => i.status === "in_progress").id;
              for (let i = 0; i < %d; i++) {
                const t = performance.now();
                await invoke("answer", { id, key: { question: "%s", roster: [1] }, value: 1 + (i %% 2), ui_lang: "en" });
                out.push(performance.now() - t);
              }
              done(out);
            })().catch((e) => done(String(e && (e.message || JSON.stringify(e)))));""" % (TAPS, question)
        )
        if not isinstance(bare, list):
            raise AssertionError(f"the bare answers failed: {bare}")
        floor = [floor, [float(x) for x in bare]]
        if not isinstance(floor[0], list):
            raise AssertionError(f"the IPC floor's command failed: {floor[0]}")
        return real, webdriver, [[float(x) for x in floor[0]], floor[1]]
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
            w = line.split()
            if line.startswith("dala-app: answer ") and w[3] == "us":
                # answer <session> us (lock <l> us, json <bytes> bytes <j> us)
                out.append((int(w[2]) / 1000, int(w[5]) / 1000, int(w[10]) / 1000, int(w[8])))
    return out


def main() -> int:
    if subprocess.run(["xdotool", "version"], capture_output=True).returncode != 0:
        print("app_latency: xdotool is missing (bench/app_latency.sh installs it)", file=sys.stderr)
        return 2
    seen = 0
    for n in (14, 100):
        real, webdriver, floor = run(n)
        times = session_times()
        mine, seen = times[seen:], len(times)
        # The log has one line per answer: the real taps, the WebDriver clicks, then the bare answers.
        parts = [mine[:TAPS], mine[TAPS : 2 * TAPS], mine[2 * TAPS :]]
        for (taps, phases), how, part in ((real, "real taps (X pointer)", parts[0]), (webdriver, "WebDriver clicks", parts[1])):
            print(f"{n:3} members, {how}: {summary(taps)} ({len(taps)} taps)")
            for i, name in enumerate(("reply", "draw", "paint", "queued", "invoke")):
                print(f"     {name:>7}: {summary([p[i] for p in phases])}")
            if part:
                print(f"     {'session':>7}: {summary([m[0] for m in part])} (inside the reply)")
                print(f"     {'lock':>7}: {summary([m[1] for m in part])} (waiting for the session)")
                print(f"     {'json':>7}: {summary([m[2] for m in part])} (the reply serialized once more; {part[-1][3]} bytes)")
        print(f"     {'ipc':>7}: {summary(floor[0])} (a command that does nothing, the same screen)")
        print(f"     {'bare':>7}: {summary(floor[1])} (the same answers from script, no click; session {summary([m[0] for m in parts[2]]) if parts[2] else '-'})")
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
