"""End-to-end tests of the real Dala window, driven through tauri-driver + WebKitWebDriver.

Run by tests/e2e/run.sh, which builds everything, starts Xvfb and tauri-driver, and exports
DALA_DB (a fresh temporary database) and DALA_APP (the binary). Each test is a plain function;
the runner at the bottom prints 'N passed, N failed' and exits non-zero on any failure.

The scenario follows an interviewer: home -> New interview (Russian) -> Q101 = 3 -> Next ->
the first member's name (Q102) -> switch to Kazakh mid-interview -> the question is in Kazakh,
earlier answers are still there -> answer another question; then the database is read directly
to check what was stored, including the language switch in the journal.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import traceback
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions

ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to target/screenshots; DALA_UPDATE_SCREENSHOTS=1 also refreshes the ones in docs/.
SHOTS = ROOT / "target" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("DALA_UPDATE_SCREENSHOTS") == "1" else None
APP = os.environ.get("DALA_APP", str(ROOT / "target" / "debug" / "dala-app"))
DB = os.environ["DALA_DB"]
DRIVER_URL = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4444")
# A second tauri-driver whose app runs the fixture study with one question of every type.
TYPES_DB = os.environ.get("DALA_DB_TYPES")
TYPES_DRIVER_URL = os.environ.get("TAURI_DRIVER_URL_TYPES", "http://127.0.0.1:4446")

MEMBER_1 = "Айгуль"
KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


# ---------------------------------------------------------------------------------------------
# helpers


def session(url: str = DRIVER_URL) -> webdriver.Remote:
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": APP})
    return webdriver.Remote(command_executor=url, options=options)


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


def wait_for(predicate, what: str, timeout: float = 10.0):
    """Polls `predicate` until it returns something truthy; fails naming `what`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (WebDriverException, StaleElementReferenceException) as e:  # the DOM is being re-rendered
            last_error = e
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


def find(driver, testid: str):
    return wait_for(lambda: driver.find_element(By.CSS_SELECTOR, tid(testid)), f"element {testid}")


def home_ready(driver):
    """The home screen once its list and the user's role are known (before that it draws no button to tap)."""
    return wait_for(lambda: driver.find_element(By.CSS_SELECTOR, f'{tid("home-screen")}[data-loaded="yes"]'), "the home screen loaded", timeout=30)


def click(driver, testid: str):
    element = find(driver, testid)
    wait_for(lambda: element.is_enabled(), f"{testid} to be enabled")
    element.click()


def text_of(driver, testid: str) -> str:
    return wait_for(lambda: driver.find_element(By.CSS_SELECTOR, tid(testid)).text, f"text of {testid}")


def plain(text: str) -> str:
    """Visible text with no-break spaces as plain spaces (WebDriver may report either)."""
    return text.replace("\u00a0", " ")


def current_question(driver) -> str:
    return text_of(driver, "q-id")


def wait_question(driver, qid: str):
    wait_for(lambda: current_question(driver) == qid, f"question {qid} (at {current_question(driver)})")


def type_into(driver, testid: str, text: str):
    """Types as a person does (select all, delete, type), so the page sees every input event."""
    field = find(driver, testid)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(text)


def grab(driver, path) -> None:
    """The window's pixels as the X server shows them (what the interviewer sees), into `path` (PNG).
    Not WebDriver's screenshot: with WebKitGTK's compositing mode off (the app's default), WebKitWebDriver's
    snapshot never answers once the window has been resized (WebKitGTK 2.50)."""
    from PIL import ImageGrab

    rect = driver.get_window_rect()
    x, y, w, h = rect["x"], rect["y"], rect["width"], rect["height"]
    image = ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=os.environ["DISPLAY"])
    extrema = image.convert("L").getextrema()
    assert extrema[0] != extrema[1], f"the window grabbed at {rect} is one flat colour: nothing painted"
    image.save(str(path))


def shot(driver, name: str):
    """A screenshot into target/screenshots (and docs/screenshots with DALA_UPDATE_SCREENSHOTS=1);
    waits a little: a shot right after a click can lag the DOM."""
    time.sleep(0.7)
    SHOTS.mkdir(parents=True, exist_ok=True)
    grab(driver, SHOTS / name)
    if DOC_SHOTS is not None:
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHOTS / name, DOC_SHOTS / name)


def db_rows(query: str, *args, db: str = DB):
    with sqlite3.connect(db) as con:
        return con.execute(query, args).fetchall()


def db_execute(query: str, *args, db: str = DB):
    """Writes to the database the app has open (WAL: the app sees it at its next read)."""
    with sqlite3.connect(db, timeout=10) as con:
        con.execute(query, args)


# ---------------------------------------------------------------------------------------------
# tests



def give_consent(driver):
    """Walks the cover to the consent Q011 (required before block 1) and answers yes."""
    for _ in range(20):
        if current_question(driver) == "Q011":
            break
        before = current_question(driver)
        click(driver, "next")
        wait_for(lambda: current_question(driver) != before, "the next cover question")
    click(driver, "option-1")
    wait_for(lambda: "selected" in find(driver, "option-1").get_attribute("class"), "consent given")
    if current_question(driver) == "Q011":
        click(driver, "next")
    wait_for(lambda: current_question(driver) != "Q011", "past the consent")


def test_interview_in_russian_switched_to_kazakh_is_stored():
    driver = session()
    try:
        driver.set_window_size(1280, 800)
        # Home: no interviews yet, a big button.
        home_ready(driver)
        assert "Новое интервью" in text_of(driver, "new-interview")
        shot(driver, "home-empty.png")

        click(driver, "new-interview")
        find(driver, "interview-screen")
        assert "selected" in find(driver, "lang-ru").get_attribute("class")
        assert len(driver.find_elements(By.CSS_SELECTOR, ".block-chip")) == 11, "cover + 9 blocks + the closing block"

        # Through the optional cover to the consent (required), past the values the app records itself
        # (date, start time, visit number: shown read-only).
        seen_auto = False
        for _ in range(20):
            if current_question(driver) == "Q011":
                break
            seen_auto = seen_auto or bool(driver.find_elements(By.CSS_SELECTOR, tid("auto-value")))
            before = current_question(driver)
            click(driver, "next")
            wait_for(lambda: current_question(driver) != before, "the next cover question")
        assert seen_auto, "the date, start time and visit number are shown read-only"
        click(driver, "option-1")
        wait_for(lambda: db_rows("SELECT 1 FROM answers WHERE question = 'Q011'"), "consent stored")

        # Block 1 from the progress strip: Q101, household size.
        click(driver, "block-1")
        wait_question(driver, "Q101")
        assert text_of(driver, "block-of").startswith("Блок 1 из 10")
        assert "Сколько человек" in text_of(driver, "q-text")

        # An out-of-range answer is refused in place, in Russian, and Next stays put.
        type_into(driver, "num-input", "99")
        click(driver, "next")
        error = text_of(driver, "command-error")
        assert any("а" <= c <= "я" for c in error.lower()), f"error not in Russian: {error}"
        assert current_question(driver) == "Q101"

        type_into(driver, "num-input", "3")
        click(driver, "next")
        wait_question(driver, "Q102")
        wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, '[data-testid^="roster-row-"]')) == 3, "3 roster rows")
        assert "1" in text_of(driver, "roster-crumb")

        type_into(driver, "text-input", MEMBER_1)
        click(driver, "next")
        wait_for(lambda: MEMBER_1 in text_of(driver, "roster-row-1"), "the name in the roster table")
        after_name = current_question(driver)
        shot(driver, "interview-ru.png")
        ru_text = text_of(driver, "q-text")

        # Switch to Kazakh in the middle: same question, Kazakh text and interface, answers kept.
        click(driver, "lang-kk")
        wait_for(lambda: "selected" in find(driver, "lang-kk").get_attribute("class"), "KK selected")
        wait_for(lambda: text_of(driver, "q-text") != ru_text, "the question text to change")
        kk_text = text_of(driver, "q-text")
        assert current_question(driver) == after_name
        assert KAZAKH_ONLY & set(kk_text), f"not Kazakh: {kk_text}"
        assert MEMBER_1 in kk_text, f"the member's name is substituted in Kazakh too: {kk_text}"
        assert driver.execute_script("return document.documentElement.lang") == "kk"
        assert text_of(driver, "next").startswith("Келесі")
        assert text_of(driver, "block-of").startswith("1-блок")
        assert MEMBER_1 in text_of(driver, "roster-row-1"), "the member's name survives the switch"
        shot(driver, "interview-kk.png")

        # The earlier answers are still shown: back to the name, then to the household size.
        click(driver, "previous")
        wait_question(driver, "Q102")
        assert find(driver, "text-input").get_attribute("value") == MEMBER_1
        assert KAZAKH_ONLY & set(text_of(driver, "q-text")), "Q102 in Kazakh"
        click(driver, "previous")
        wait_question(driver, "Q101")
        assert find(driver, "num-input").get_attribute("value") == "3"
        assert "қанша адам" in text_of(driver, "q-text")

        # Forward again and answer one more question, in Kazakh.
        click(driver, "next")
        wait_question(driver, "Q102")
        click(driver, "next")
        wait_question(driver, after_name)
        answered_key = answer_something(driver)

        # What the database holds.
        (interview_id,) = db_rows("SELECT id FROM interviews")[0]
        answers = {(q, r): json.loads(v) for q, r, v in db_rows("SELECT question, roster, value FROM answers WHERE interview_id = ?", interview_id)}
        assert answers.get(("Q101", "")) == 3, answers
        assert answers.get(("Q102", "1")) == MEMBER_1, answers
        assert answered_key in answers, (answered_key, answers)
        kinds = [k for (k,) in db_rows("SELECT kind FROM journal WHERE interview_id = ? ORDER BY seq", interview_id)]
        assert "language_switched" in kinds, kinds
        assert db_rows("SELECT language FROM interviews WHERE id = ?", interview_id)[0][0] == "kk"

        # The completion view lists what is missing; Complete is not yet possible.
        click(driver, "to-completion")
        find(driver, "completion")
        assert len(driver.find_elements(By.CSS_SELECTOR, tid("issue"))) > 0
        assert not find(driver, "complete").is_enabled()
        shot(driver, "completion-kk.png")
        driver.find_elements(By.CSS_SELECTOR, tid("issue"))[0].click()
        find(driver, "question")

        # Back home: the interview is listed in progress; reopening lands where we left off.
        click(driver, "previous")
        time.sleep(0.3)
        left_at = current_question(driver)
        click(driver, "home")
        home_ready(driver)
        assert "selected" in find(driver, "lang-kk").get_attribute("class"), "home follows the interview language"
        click(driver, "lang-ru")
        wait_for(lambda: "Новое интервью" in text_of(driver, "new-interview"), "home in Russian")
        find(driver, "group-in-progress")
        shot(driver, "home.png")
        click(driver, "interview-row")
        find(driver, "interview-screen")
        wait_question(driver, left_at)
    finally:
        driver.quit()


def answer_something(driver) -> tuple[str, str]:
    """Answers the current question in a way that fits its type; returns its (question, roster)."""
    qid = current_question(driver)
    options = driver.find_elements(By.CSS_SELECTOR, '[data-testid^="option-"]')
    if options:
        options[0].click()
        wait_for(lambda: "selected" in driver.find_elements(By.CSS_SELECTOR, '[data-testid^="option-"]')[0].get_attribute("class"), "option selected")
    elif driver.find_elements(By.CSS_SELECTOR, tid("text-input")):
        type_into(driver, "text-input", "Ерлан")
        find(driver, "text-input").send_keys(Keys.ENTER)
    else:
        type_into(driver, "num-input", "1985")
        find(driver, "num-input").send_keys(Keys.ENTER)
    crumb = driver.find_elements(By.CSS_SELECTOR, tid("roster-crumb"))
    roster = "1" if crumb else ""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not db_rows("SELECT 1 FROM answers WHERE question = ? AND roster = ?", qid, roster):
        time.sleep(0.1)
    return (qid, roster)


def test_portrait_layout_keeps_everything_reachable():
    driver = session()
    try:
        driver.set_window_size(800, 1280)
        home_ready(driver)
        click(driver, "new-interview")
        find(driver, "interview-screen")
        give_consent(driver)
        click(driver, "block-1")
        wait_question(driver, "Q101")
        type_into(driver, "num-input", "2")
        click(driver, "next")
        wait_question(driver, "Q102")
        # Every block chip, the language switch and both nav buttons are inside the window.
        width = driver.execute_script("return window.innerWidth")
        height = driver.execute_script("return window.innerHeight")
        for testid in ["lang-kk", "next", "previous", "block-9", "roster-row-1"]:
            rect = find(driver, testid).rect
            assert rect["x"] >= 0 and rect["x"] + rect["width"] <= width + 1, f"{testid} outside horizontally: {rect}"
            assert rect["y"] >= 0 and rect["y"] + rect["height"] <= height + 1, f"{testid} outside vertically: {rect}"
            assert rect["height"] >= 44, f"{testid} too small to tap: {rect}"
        shot(driver, "interview-portrait.png")
    finally:
        driver.quit()


def test_every_question_type_records_what_was_tapped():
    assert TYPES_DB, "run through tests/e2e/run.sh (DALA_DB_TYPES is not set)"
    driver = session(TYPES_DRIVER_URL)
    shots = ROOT / "target" / "e2e-screens"
    shots.mkdir(parents=True, exist_ok=True)

    def selected(testid: str) -> bool:
        return "selected" in find(driver, testid).get_attribute("class")

    def next_to(qid: str):
        click(driver, "next")
        wait_question(driver, qid)

    try:
        driver.set_window_size(1280, 800)
        click(driver, "new-interview")
        wait_question(driver, "Q101")
        assert text_of(driver, "show-card") == "Карточка 2"
        # "Other (specify)": the text box appears with the option, and the text is stored with the code.
        click(driver, "option-96")
        wait_for(lambda: selected("option-96"), "single: other selected")
        type_into(driver, "specify-input", "Дунган")
        find(driver, "specify-input").send_keys(Keys.TAB)
        wait_for(
            lambda: json.loads(db_rows("SELECT value FROM answers WHERE question = 'Q101'", db=TYPES_DB)[0][0]) == {"code": 96, "other": "Дунган"},
            "the specification is stored with the code",
        )
        grab(driver, shots / "single-other.png")
        click(driver, "option-1")
        wait_for(lambda: selected("option-1"), "single: option 1 selected")
        assert not driver.find_elements(By.CSS_SELECTOR, tid("specify-input")), "no text box without an 'other' option"
        grab(driver, shots / "single.png")

        next_to("Q102")  # multiple: the exclusive "None" replaces the others, and vice versa
        click(driver, "option-1")
        wait_for(lambda: selected("option-1"), "multiple: 1")
        click(driver, "option-0")
        wait_for(lambda: selected("option-0") and not selected("option-1"), "multiple: None alone")
        click(driver, "option-1")
        wait_for(lambda: selected("option-1") and not selected("option-0"), "multiple: 1 again")
        click(driver, "option-2")
        wait_for(lambda: selected("option-2"), "multiple: 1 and 2")
        assert not find(driver, "option-3").is_enabled(), "max_choices = 2 reached"
        shot(driver, "type-multiple.png")

        next_to("Q103")  # integer: no decimal mark; then a soft warning, confirmed with one tap
        type_into(driver, "num-input", "1,5")
        wait_for(lambda: "целое число" in text_of(driver, "num-refused"), "a decimal mark refused in a whole number")
        type_into(driver, "num-input", "12")
        wait_for(lambda: text_of(driver, "num-readback") == "= 12", "12 read back")
        click(driver, "next")
        find(driver, "rule-warning")
        grab(driver, shots / "warning.png")
        click(driver, "confirm-warning")
        wait_for(lambda: "Подтверждено" in text_of(driver, "rule-warning"), "confirmed")

        next_to("Q104")  # year: Don't know
        click(driver, "special-dk")
        wait_for(lambda: selected("special-dk"), "DK selected")

        next_to("Q105")  # scale
        click(driver, "scale-4")
        wait_for(lambda: selected("scale-4"), "scale 4")
        shot(driver, "type-scale.png")

        next_to("Q106")  # money: what is typed is read in Russian, shown back, and only then stored
        def q106():
            rows = db_rows("SELECT value FROM answers WHERE question = 'Q106'", db=TYPES_DB)
            return json.loads(rows[0][0]) if rows else None

        # "150,000" is 150 000 or 150,0: refused with both readings, nothing stored, Next stays.
        type_into(driver, "money-input", "150,000")
        refused = plain(wait_for(lambda: text_of(driver, "num-refused"), "150,000 refused"))
        assert "двояко" in refused and "«150 000»" in refused and "«150,0»" in refused, refused
        assert find(driver, "money-input").get_attribute("value") == "150,000", "the field keeps what was typed"
        shot(driver, "number-ambiguous-ru.png")
        click(driver, "next")
        time.sleep(0.8)
        assert current_question(driver) == "Q106" and q106() is None, "an ambiguous amount is never stored"
        # Points grouping thousands, a space and a decimal comma, a space: each read, shown, stored.
        for typed, shown, amount in [
            ("1.500.000", "= 1\u00a0500\u00a0000\u00a0₸", 1_500_000),
            ("150 000,50", "= 150\u00a0000,50\u00a0₸", 150_000.5),
            ("1 500", "= 1\u00a0500\u00a0₸", 1500),
        ]:
            type_into(driver, "money-input", typed)
            wait_for(lambda: plain(text_of(driver, "num-readback")) == plain(shown), f"{typed} read back as {shown}")
            if typed == "150 000,50":
                shot(driver, "type-money.png")
            find(driver, "money-input").send_keys(Keys.TAB)
            wait_for(lambda: q106() == {"amount": amount, "currency": "KZT"}, f"{typed} stored as {amount}")
        assert find(driver, "money-input").get_attribute("value") == "1\u00a0500", "the stored amount written back"
        click(driver, "currency-USD")
        wait_for(lambda: text_of(driver, "currency-sign") == "$", "dollar sign")
        wait_for(lambda: q106() == {"amount": 1500, "currency": "USD"}, "the amount in dollars")

        next_to("Q107")  # decimal typed with a comma, stored with a point
        type_into(driver, "num-input", "54,5")

        next_to("Q108")  # date as day / month / year
        type_into(driver, "date-d", "15")
        type_into(driver, "date-m", "10")
        type_into(driver, "date-y", "2010")

        next_to("Q109")
        type_into(driver, "text-input", "Алматы")

        next_to("Q110")  # list: add two names, remove one, add another
        for name in ("Айгуль", "Болат", "Ерлан"):
            type_into(driver, "list-input", name)
            click(driver, "list-add")
            wait_for(lambda: name in text_of(driver, "list-items"), f"{name} listed")
        driver.find_elements(By.CSS_SELECTOR, ".list-items button")[1].click()
        wait_for(lambda: "Болат" not in text_of(driver, "list-items"), "Болат removed")
        shot(driver, "type-list.png")

        next_to("Q111")  # grid, one row Don't know
        click(driver, "grid-kk-1")
        wait_for(lambda: selected("grid-kk-1"), "grid kk = 1")
        click(driver, "grid-ru--98")
        wait_for(lambda: selected("grid-ru--98"), "grid ru = DK")
        shot(driver, "type-grid.png")

        # Q112 offers only what Q102 chose (bread and milk, not tea): milk.
        next_to("Q112")
        assert not driver.find_elements(By.CSS_SELECTOR, tid("option-3")), "tea was not chosen in Q102"
        click(driver, "option-2")
        wait_for(lambda: selected("option-2"), "Q112 = milk")
        click(driver, "next")
        find(driver, "completion")
        wait_for(lambda: find(driver, "complete").is_enabled(), "Complete enabled: nothing missing")

        # Open errors: milk is taken off Q102, so the answer to Q112 no longer holds. It is kept, listed
        # on the completion screen with a jump to it, and completion waits until it is answered again.
        click(driver, "block-1")
        wait_question(driver, "Q101")
        next_to("Q102")
        click(driver, "option-2")
        wait_for(lambda: not selected("option-2"), "milk taken off Q102")
        q102 = lambda: json.loads(db_rows("SELECT value FROM answers WHERE question = 'Q102'", db=TYPES_DB)[0][0])
        wait_for(lambda: q102() == [1], "Q102 = bread stored")
        click(driver, "to-completion")
        find(driver, "completion")
        invalid = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".issue-group.invalid " + tid("issue")), "the open error listed")
        assert len(invalid) == 1 and "Q112" in invalid[0].text and "Молоко" in invalid[0].text, invalid[0].text
        assert "Противоречит другому ответу" in text_of(driver, "completion")
        assert not find(driver, "complete").is_enabled(), "no completion with an open error"
        assert json.loads(db_rows("SELECT value FROM answers WHERE question = 'Q112'", db=TYPES_DB)[0][0]) == 2, "the answer is kept"
        assert db_rows("SELECT status FROM interviews", db=TYPES_DB)[0][0] == "in_progress"
        shot(driver, "completion-open-error-ru.png")
        invalid[0].click()
        wait_question(driver, "Q112")
        assert "Молоко" in text_of(driver, "answer-invalid"), text_of(driver, "answer-invalid")
        shot(driver, "question-open-error-ru.png")
        click(driver, "option-1")
        wait_for(lambda: not driver.find_elements(By.CSS_SELECTOR, tid("answer-invalid")), "the error resolved by a new answer")
        click(driver, "to-completion")
        find(driver, "completion")
        assert not driver.find_elements(By.CSS_SELECTOR, ".issue-group.invalid"), text_of(driver, "completion")
        wait_for(lambda: find(driver, "complete").is_enabled(), "Complete enabled once the error is resolved")
        click(driver, "complete")
        find(driver, "completed-banner")

        (iid,) = db_rows("SELECT id FROM interviews", db=TYPES_DB)[0]
        stored = {q: json.loads(v) for q, v in db_rows("SELECT question, value FROM answers WHERE interview_id = ?", iid, db=TYPES_DB)}
        expected = {
            "Q101": 1,
            "Q102": [1],
            "Q103": 12,
            "Q104": -98,
            "Q105": 4,
            "Q106": {"amount": 1500, "currency": "USD"},
            "Q107": 54.5,
            "Q108": "2010-10-15",
            "Q109": "Алматы",
            "Q110": ["Айгуль", "Ерлан"],
            "Q111": {"kk": 1, "ru": -98},
            "Q112": 1,
        }
        assert stored == expected, stored
        assert db_rows("SELECT question, rule FROM confirmations WHERE interview_id = ?", iid, db=TYPES_DB) == [("Q103", 0)]
        assert db_rows("SELECT status FROM interviews", db=TYPES_DB)[0][0] == "completed"
    finally:
        driver.quit()


def test_numbers_typed_in_english_group_with_commas():
    """The same texts in an English interview: "150,000" is 150 000, "1.500" is ambiguous."""
    assert TYPES_DB, "run through tests/e2e/run.sh (DALA_DB_TYPES is not set)"
    driver = session(TYPES_DRIVER_URL)
    try:
        driver.set_window_size(1280, 800)
        home_ready(driver)
        click(driver, "lang-en")
        wait_for(lambda: "New interview" in text_of(driver, "new-interview"), "home in English")
        click(driver, "new-interview")
        wait_question(driver, "Q101")
        (iid,) = db_rows("SELECT id FROM interviews WHERE language = 'en'", db=TYPES_DB)[0]

        def stored(qid: str):
            rows = db_rows("SELECT value FROM answers WHERE interview_id = ? AND question = ?", iid, qid, db=TYPES_DB)
            return json.loads(rows[0][0]) if rows else None

        click(driver, "option-1")
        wait_for(lambda: stored("Q101") == 1, "Q101 stored")
        click(driver, "next")
        wait_question(driver, "Q102")
        click(driver, "option-1")
        wait_for(lambda: stored("Q102") == [1], "Q102 stored")
        click(driver, "next")
        wait_question(driver, "Q103")
        # A whole number grouped with a comma is read as 1,500, then the range (0-20) refuses it.
        type_into(driver, "num-input", "1,500")
        wait_for(lambda: text_of(driver, "num-readback") == "= 1,500", "1,500 read back")
        click(driver, "next")
        assert "between 0 and 20" in text_of(driver, "command-error")
        assert current_question(driver) == "Q103" and stored("Q103") is None
        type_into(driver, "num-input", "3")
        click(driver, "next")
        wait_question(driver, "Q104")
        type_into(driver, "num-input", "1985")
        click(driver, "next")
        wait_question(driver, "Q105")
        click(driver, "scale-4")
        wait_for(lambda: stored("Q105") == 4, "Q105 stored")
        click(driver, "next")
        wait_question(driver, "Q106")

        type_into(driver, "money-input", "1.500")
        refused = wait_for(lambda: text_of(driver, "num-refused"), "1.500 refused in English")
        assert "two ways" in refused and '"1,500"' in refused and '"1.5"' in refused, refused
        find(driver, "money-input").send_keys(Keys.TAB)
        time.sleep(0.8)
        assert stored("Q106") is None, "an ambiguous amount is never stored"
        type_into(driver, "money-input", "150,000")
        wait_for(lambda: plain(text_of(driver, "num-readback")) == "= 150,000 ₸", "150,000 read back")
        shot(driver, "number-en.png")
        find(driver, "money-input").send_keys(Keys.TAB)
        wait_for(lambda: stored("Q106") == {"amount": 150000, "currency": "KZT"}, "150,000 stored as 150000")
        type_into(driver, "money-input", "150 000,50")
        wait_for(lambda: plain(text_of(driver, "num-readback")) == "= 150,000.50 ₸", "150 000,50 read back")
        find(driver, "money-input").send_keys(Keys.TAB)
        wait_for(lambda: stored("Q106") == {"amount": 150000.5, "currency": "KZT"}, "150 000,50 stored as 150000.5")
        assert find(driver, "money-input").get_attribute("value") == "150,000.5"
        assert stored("Q103") == 3 and stored("Q104") == 1985
    finally:
        driver.quit()


def test_without_a_display_the_app_explains_itself():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([APP], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, (done.returncode, done.stderr)
    for phrase in ("дисплей не найден", "дисплей табылмады", "no display found", "xvfb-run"):
        assert phrase in done.stderr, done.stderr
    assert "panicked" not in done.stderr and "Failed to initialize GTK" not in done.stderr, done.stderr


# ---------------------------------------------------------------------------------------------


def main(scope: dict | None = None) -> int:
    """Runs every `test_*` function of `scope` (this module by default); prints 'N passed, N failed'."""
    scope = globals() if scope is None else scope
    tests = [(name, fn) for name, fn in scope.items() if name.startswith("test_") and callable(fn)]
    passed = failed = 0
    for name, fn in tests:
        started = time.monotonic()
        try:
            fn()
        except Exception:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - started:.1f}s)")
            traceback.print_exc()
        else:
            passed += 1
            print(f"ok   {name} ({time.monotonic() - started:.1f}s)")
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
