"""End-to-end test of sync and review in the real Dala window (tauri-driver + WebKitWebDriver).

Run by tests/e2e/run.sh with its own tauri-driver, whose app opens the KMRS study on a fresh supervisor
database (DALA_DB) with the supervisor's keys (DALA_KEYS: sup.key and the interviewers' .pub files).
run.sh made two simulated device databases with the `dala` command and exported each device's package
into DALA_SYNC_INBOX. The scenario: home -> Sync -> the inbox folder -> Import (a progress bar, then
the counts) -> home lists the devices' interviews -> the supervisor dashboard (screenshots in Russian
and Kazakh) -> a completed interview -> comment on its question and send it back with a reason -> the
banner, and in the SQLite file the interview is in progress again, marked rejected, with the comment
and the reason in the journal -> back-checks drawn with a seed, an outcome recorded and its mismatches
listed (in Russian and Kazakh) -> an export to Stata labelled in Kazakh, its progress and files -> a supervisor and an interviewer set up with PINs (stored as Argon2id
hashes; the first one's PIN encrypts the database), the lock screen, a wrong PIN refused, the interviewer signed in and offered no supervision.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

from selenium.webdriver.common.by import By

from test_interview import main as run_tests, home_ready
from test_interview import KAZAKH_ONLY, click, db_rows, find, session, shot, text_of, tid, type_into, wait_for

DRIVER_URL = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4450")
INBOX = os.environ["DALA_SYNC_INBOX"]


def test_import_packages_read_the_dashboard_and_reject_an_interview():
    driver = session(DRIVER_URL)
    try:
        driver.set_window_size(1280, 900)
        home_ready(driver)
        click(driver, "open-sync")
        find(driver, "sync-screen")
        type_into(driver, "sync-folder", INBOX)
        click(driver, "sync-import")
        result = wait_for(lambda: driver.find_element(By.CSS_SELECTOR, tid("sync-result")).text, "the import result", timeout=60)
        assert "Принято пакетов: 2" in result, result
        assert "конфликтов: 0" in result, result
        assert "Пакет 2 из 2" in text_of(driver, "sync-progress")
        shot(driver, "sync-imported-ru.png")
        imported = db_rows("SELECT count(*), count(DISTINCT device_id) FROM interviews")[0]
        assert imported[0] > 10 and imported[1] == 2, imported

        # The dashboard over the merged data, in Russian and in Kazakh.
        click(driver, "home")
        click(driver, "open-dashboard")
        find(driver, "dashboard-screen")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, tid("dash-route")), "route rows on the dashboard", timeout=30)
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, tid("dash-interviewer")), "interviewer rows", timeout=30)
        assert not driver.find_elements(By.CSS_SELECTOR, tid("dash-gaps")), "every package arrived whole: no journal gap"
        shot(driver, "dashboard-ru.png")
        click(driver, "lang-kk")
        wait_for(lambda: any(c in driver.find_element(By.CSS_SELECTOR, tid("dashboard-screen")).text for c in KAZAKH_ONLY), "the dashboard in Kazakh")
        shot(driver, "dashboard-kk.png")
        click(driver, "lang-ru")
        click(driver, "home")

        # A completed interview: comment on the question on screen, then send it back with a reason.
        find(driver, "group-completed")
        row = driver.find_element(By.CSS_SELECTOR, f'{tid("group-completed")} {tid("interview-row")}')
        iv = row.get_attribute("data-id")
        row.click()
        find(driver, "review-panel")
        qid = driver.find_elements(By.CSS_SELECTOR, tid("q-id"))
        question = qid[0].text if qid else None
        if question:
            type_into(driver, "review-text", "Проверьте этот ответ")
            click(driver, "review-comment")
            wait_for(lambda: db_rows("SELECT count(*) FROM journal WHERE interview_id = ? AND kind = 'review_comment'", iv)[0][0] == 1, "the comment stored")
            find(driver, "review-notes")
        # Without a reason the rejection is refused with a message (in the interview's language).
        click(driver, "review-reject")
        refused = text_of(driver, "review-error")
        assert any(w in refused for w in ("исправить", "түзету", "corrected")), refused
        type_into(driver, "review-text", "Не записан корпус дома")
        click(driver, "review-reject")
        banner = text_of(driver, "rejected-banner")
        assert "Не записан корпус дома" in banner, banner
        shot(driver, "interview-rejected-ru.png")
        status = db_rows("SELECT status, review FROM interviews WHERE id = ?", iv)
        assert status == [("in_progress", "rejected")], status
        reasons = db_rows("SELECT new_value FROM journal WHERE interview_id = ? AND kind = 'interview_rejected'", iv)
        assert reasons == [("Не записан корпус дома",)], reasons

        # Back-checks: a seeded draw per interviewer, an outcome that differs, the mismatch listed.
        click(driver, "home")
        click(driver, "open-backchecks")
        find(driver, "backcheck-screen")
        click(driver, "lang-ru")  # home follows the language of the interview just left
        wait_for(lambda: "Повторные контакты" in text_of(driver, "backcheck-screen"), "the back-checks in Russian")
        type_into(driver, "backcheck-seed", "7")
        click(driver, "backcheck-draw")
        drawn = text_of(driver, "backcheck-drawn")
        assert "7" in drawn, drawn
        rows = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, tid("backcheck-row")), "drawn interviews")
        drawn_db = db_rows("SELECT count(DISTINCT interview_id) FROM journal WHERE kind = 'backcheck_drawn'")[0][0]
        assert len(rows) == drawn_db >= 2, (len(rows), drawn_db)
        first = rows[0].get_attribute("data-interview")
        click(driver, "backcheck-open")
        find(driver, "backcheck-form")
        assert not driver.find_element(By.CSS_SELECTOR, tid("backcheck-save")).is_enabled(), "saving waits for the two yes/no answers"
        click(driver, "backcheck-visited-yes")
        click(driver, "backcheck-same-no")
        type_into(driver, "backcheck-size", "29")
        shot(driver, "backcheck-form-ru.png")
        click(driver, "backcheck-save")
        outcome = f'[data-interview="{first}"] {tid("backcheck-state")}'
        # The list is redrawn when the shell answers: until then the row still reads "not checked".
        wait_for(lambda: "расхождений: 2" in driver.find_element(By.CSS_SELECTOR, outcome).text, "the outcome listed with its 2 mismatches")
        click(driver, "lang-kk")
        wait_for(lambda: "сәйкессіздік: 2" in driver.find_element(By.CSS_SELECTOR, tid("backcheck-screen")).text, "the list in Kazakh")
        shot(driver, "backchecks-kk.png")
        click(driver, "lang-ru")
        recorded = db_rows("SELECT count(*) FROM journal WHERE interview_id = ? AND kind = 'backcheck_recorded'", first)
        assert recorded == [(1,)], recorded

        # Export: Stata files labelled in Kazakh, a progress bar, the files listed, then read back.
        click(driver, "home")
        click(driver, "open-export")
        find(driver, "export-screen")
        shot(driver, "export-ru.png")
        click(driver, "lang-kk")
        wait_for(lambda: "Экспорттау" in text_of(driver, "export-screen"), "the export screen in Kazakh")
        click(driver, "export-format-dta")
        click(driver, "export-lang-kk")
        out = os.path.join(os.path.dirname(INBOX), "export-dta")
        type_into(driver, "export-folder", out)
        click(driver, "export-start")
        done = wait_for(lambda: driver.find_element(By.CSS_SELECTOR, tid("export-done")).text, "the export finished", timeout=120)
        assert out in done, done
        files = {r.find_elements(By.TAG_NAME, "td")[0].text: int(r.find_elements(By.TAG_NAME, "td")[1].text)
                 for r in driver.find_elements(By.CSS_SELECTOR, f'{tid("export-files")} tr') if r.find_elements(By.TAG_NAME, "td")}
        interviews = db_rows("SELECT count(*) FROM interviews")[0][0]
        assert files.get("households.dta") == interviews, (files, interviews)
        assert all(os.path.getsize(os.path.join(out, f)) > 0 for f in files), files
        with open(os.path.join(out, "households.dta"), "rb") as f:
            head = f.read(200000)
        assert head.startswith(b"<stata_dta><header><release>118</release>"), head[:60]
        assert "Үй шаруашылығы".encode() in head or "үй шаруашылығы".encode() in head, "Kazakh labels in the file"
        driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.CSS_SELECTOR, tid("export-done")))
        shot(driver, "export-kk.png")
        click(driver, "lang-ru")

        # Users: a supervisor and an interviewer with PINs; the lock; an interviewer cannot supervise.
        click(driver, "home")
        click(driver, "open-users")
        find(driver, "users-demo")
        for role, name, pin in (("supervisor", "Айгүл", "2468"), ("interviewer", "Ерлан", "1357")):
            driver.find_element(By.CSS_SELECTOR, f'{tid("user-role")} option[value="{role}"]').click()
            type_into(driver, "user-name", name)
            type_into(driver, "user-pin", pin)
            type_into(driver, "user-pin2", pin)
            click(driver, "user-add")
            wait_for(lambda: name in text_of(driver, "users-list"), f"{name} listed")
        # The first user's PIN encrypted the database (issue 10): plain SQLite reads it no more; its keyring
        # beside it wraps the key once per user (names and roles only, no PIN, no key).
        db_path = os.environ["DALA_DB"]
        with open(db_path, "rb") as f:
            assert f.read(16) != b"SQLite format 3\x00", "the database is encrypted"
        try:
            db_rows("SELECT count(*) FROM users")
            raise AssertionError("plain SQLite read the encrypted database")
        except sqlite3.DatabaseError:
            pass
        with open(db_path + ".keyring", encoding="utf-8") as f:
            ring = json.load(f)
        assert sorted((s["user"], s["role"]) for s in ring["slots"]) == sorted([("Ерлан", "interviewer"), ("Айгүл", "supervisor")]), ring
        assert all(set(s) >= {"salt", "nonce", "wrapped", "kdf"} and "pin" not in s for s in ring["slots"]), ring
        click(driver, "home")
        click(driver, "lock-now")
        find(driver, "lock-screen")
        shot(driver, "lock-ru.png")
        driver.find_element(By.CSS_SELECTOR, f'{tid("lock-user")} option[value="Ерлан"]').click()
        type_into(driver, "lock-pin", "0000")
        click(driver, "lock-sign-in")
        assert text_of(driver, "command-error"), "a wrong PIN is refused with a message"
        type_into(driver, "lock-pin", "1357")
        click(driver, "lock-sign-in")
        home_ready(driver)
        assert "Ерлан" in text_of(driver, "signed-in")
        assert not driver.find_elements(By.CSS_SELECTOR, tid("open-dashboard")), "an interviewer is not offered the dashboard"
        assert not driver.find_elements(By.CSS_SELECTOR, tid("open-backchecks")), "nor back-checks"
        assert not driver.find_elements(By.CSS_SELECTOR, tid("open-export")), "nor exports"
        # He changes his PIN on the Users screen: a wrong current PIN is refused, then the new one is set.
        click(driver, "open-users")
        find(driver, "users-screen")
        type_into(driver, "pin-current", "0000")
        type_into(driver, "pin-new", "97531")
        type_into(driver, "pin-new2", "97531")
        click(driver, "pin-change")
        assert "PIN" in text_of(driver, "pin-error"), "a wrong current PIN is refused, under the button"
        type_into(driver, "pin-current", "1357")
        type_into(driver, "pin-new", "97531")
        type_into(driver, "pin-new2", "97531")
        click(driver, "pin-change")
        assert "PIN" in text_of(driver, "users-notice"), "the change is confirmed"
        shot(driver, "users-pin-ru.png")
        click(driver, "home")
        click(driver, "lock-now")
        find(driver, "lock-screen")
        driver.find_element(By.CSS_SELECTOR, f'{tid("lock-user")} option[value="Ерлан"]').click()
        type_into(driver, "lock-pin", "97531")
        click(driver, "lock-sign-in")
        home_ready(driver)
        # The first user shown on the lock screen signs in with their PIN alone (nothing picked).
        click(driver, "lock-now")
        find(driver, "lock-screen")
        type_into(driver, "lock-pin", "2468" if driver.find_element(By.CSS_SELECTOR, tid("lock-user")).get_attribute("value") == "Айгүл" else "97531")
        click(driver, "lock-sign-in")
        home_ready(driver)
        shown = text_of(driver, "signed-in")
        assert "Айгүл" in shown or "Ерлан" in shown, shown
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
