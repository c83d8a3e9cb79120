"""The window part of tests/deb/walk.sh, on the installed app (DALA_APP=/usr/bin/dala-app).

`first`: the open demo; Users: an interviewer with a PIN (the database is encrypted then); a new
interview: the cover, consent, Q101 = 3 and the first member's name; home. `second`: the app locked at
start, the new PIN (after the coordinator's recovery) opens it, the interview is listed.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from selenium.webdriver.common.by import By  # noqa: E402

from test_interview import click, current_question, find, give_consent, grab, home_ready, session, text_of, tid, type_into, wait_for, wait_question  # noqa: E402

# The window as the X server shows it, kept in target/screenshots (walk.sh sets WALK_SHOTS).
SHOTS = os.environ.get("WALK_SHOTS") or os.environ.get("WALK", "/tmp")


def first():
    driver = session()
    try:
        driver.set_window_size(1280, 800)
        home_ready(driver)
        click(driver, "open-users")
        find(driver, "users-demo")
        driver.find_element(By.CSS_SELECTOR, f'{tid("user-role")} option[value="interviewer"]').click()
        type_into(driver, "user-name", "Ерлан")
        type_into(driver, "user-pin", "1357")
        type_into(driver, "user-pin2", "1357")
        click(driver, "user-add")
        wait_for(lambda: "Ерлан" in text_of(driver, "users-list"), "the interviewer listed")
        click(driver, "home")
        click(driver, "new-interview")
        find(driver, "interview-screen")
        give_consent(driver)
        for _ in range(10):  # the rest of the cover sheet, to the household's size
            if current_question(driver) == "Q101":
                break
            before = current_question(driver)
            click(driver, "next")
            wait_for(lambda: current_question(driver) != before, "the next cover question")
        wait_question(driver, "Q101")
        type_into(driver, "num-input", "3")
        click(driver, "next")
        wait_question(driver, "Q102")
        type_into(driver, "text-input", "Айгүл")
        click(driver, "next")
        wait_for(lambda: current_question(driver) != "Q102", "past the name")
        grab(driver, os.path.join(SHOTS, "walk-interview.png"))
        click(driver, "home")
        home_ready(driver)
        print("  set up Ерлан (interviewer, PIN 1357); interviewed: consent, 3 members, the first one's name")
    finally:
        driver.quit()


def second():
    driver = session()
    try:
        driver.set_window_size(1280, 800)
        find(driver, "lock-screen")
        type_into(driver, "lock-pin", "1357")
        click(driver, "lock-sign-in")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, tid("command-error")), "the old PIN refused")
        print(f"  the old PIN: {text_of(driver, 'command-error')}")
        type_into(driver, "lock-pin", "8642")
        click(driver, "lock-sign-in")
        home_ready(driver)
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, tid("interview-row")), "the interview listed")
        grab(driver, os.path.join(SHOTS, "walk-home.png"))
        print("  the new PIN opened the app; the interview is listed")
    finally:
        driver.quit()


if __name__ == "__main__":
    {"first": first, "second": second}[sys.argv[1]]()
