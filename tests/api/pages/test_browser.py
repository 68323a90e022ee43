"""A reviewer in a real browser (Debian's headless Chromium driven by Selenium), in French:
sign-in, the queue, a decision with the keyboard, a stale page in a second tab, and the
revert of a merge on the person view; then the four-eyes queue, the family sheet (printed)
and the assessment as a caseworker; a tracing officer's search and a tracing request's
matches (one confirmed, the sheet printed); a phone-sized page, English and the offline
`/docs`.

The app runs with uvicorn on a free port against a temporary SQLite store loaded with the
demo set (`make demo`). Each page is photographed: into a temporary folder, or into
`NRM_SCREENSHOTS_DIR` (`NRM_SCREENSHOTS_DIR=docs/screenshots pytest -n 1
tests/api/pages/test_browser.py` regenerates `docs/screenshots/`).

Without chromium and chromedriver the walk is skipped, unless `NRM_REQUIRE_BROWSER=1`
(CI), where a missing browser fails.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from service import Service
from service.demo_users import ensure_demo_users

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "fixtures" / "demo"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.slow


def _browser_or_skip() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        if os.environ.get("NRM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NRM_REQUIRE_BROWSER=1 but {', '.join(missing)} missing")
        pytest.skip("chromium / chromedriver not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on the demo set, served on a free port; the demo users' tokens."""
    _browser_or_skip()
    folder = tmp_path_factory.mktemp("site")
    service = Service.open(str(folder / "nrm.db"))
    report = service.import_file(DEMO / "records.csv", DEMO / "relations.csv")
    assert report.ok, report
    tokens = ensure_demo_users(service.store, folder / "token", folder / "tokens.json")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(service),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=5,  # a browser's kept-alive connection ends with it
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tokens
    server.should_exit = True
    thread.join(30)  # the tests after these, in this process, may fork (`matching.parallel`)
    assert not thread.is_alive(), "the server did not stop"
    service.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NRM_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def chrome() -> Iterator[object]:
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1100,900",
        "--lang=fr-FR",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _sign_in(driver, base: str, token: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/signin")
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "signin").click()
    WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "signout")))


def _press(driver, key: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.find_element(By.TAG_NAME, "body").send_keys(key)


def test_a_reviewer_walks_the_queue_in_french(site, chrome, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, tokens = site
    driver = chrome
    wait = WebDriverWait(driver, 10)

    driver.get(f"{base}/signin")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Se connecter"
    driver.save_screenshot(str(shots / "01-signin.png"))
    _sign_in(driver, base, tokens["reviewer-1"])
    assert "Examiner la suggestion suivante" in driver.page_source
    driver.save_screenshot(str(shots / "02-home.png"))

    driver.get(f"{base}/review?minor=no")
    assert driver.find_element(By.TAG_NAME, "h1").text == "File de révision"
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "a.name")]
    assert names and all(n and "-" not in n[:9] for n in names[:6])  # names, not UUIDs
    driver.save_screenshot(str(shots / "03-queue.png"))

    # A decision with the keyboard: n (not the same person), then the next suggestion.
    driver.find_elements(By.CSS_SELECTOR, "a.name")[0].click()
    first = driver.current_url
    assert driver.find_element(By.TAG_NAME, "h1").text == "Même personne ?"
    assert driver.find_elements(By.CSS_SELECTOR, ".reasons li")
    driver.save_screenshot(str(shots / "04-suggestion.png"))
    _press(driver, "n")
    wait.until(ec.url_changes(first))
    assert "Décision enregistrée." in driver.find_element(By.CSS_SELECTOR, ".done").text
    driver.save_screenshot(str(shots / "05-decided-next.png"))

    # Two tabs on one suggestion: the first confirms the match, the second is stale.
    driver.get(f"{base}/review?minor=no")
    target = driver.find_elements(By.CSS_SELECTOR, "a.name")[0].get_attribute("href")
    driver.get(target)
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(target)
    second_tab = driver.current_window_handle
    driver.switch_to.window(first_tab)
    _press(driver, "m")
    wait.until(ec.url_changes(target))
    driver.switch_to.window(second_tab)
    _press(driver, "n")
    problem = wait.until(ec.presence_of_element_located((By.ID, "problem"))).text
    assert "Cette suggestion a changé depuis que vous l'avez ouverte" in problem
    assert driver.find_element(By.ID, "status").text == "confirmée"
    driver.save_screenshot(str(shots / "06-stale-conflict.png"))

    # The merge is on the person view; revert it with a reason.
    driver.find_elements(By.LINK_TEXT, "Ouvrir la personne")[0].click()
    assert len(driver.find_elements(By.CSS_SELECTOR, "section.record")) >= 2
    driver.save_screenshot(str(shots / "07-person.png"))
    form = driver.find_elements(By.CSS_SELECTOR, "form.revert")[-1]
    form.find_element(By.NAME, "reason").send_keys("deux personnes différentes")
    form.find_element(By.CSS_SELECTOR, "button.revert-button").click()
    done = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".done"))).text
    assert "La décision a été annulée" in done
    driver.save_screenshot(str(shots / "08-reverted.png"))

    driver.get(f"{base}/review/second")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Second réviseur (quatre yeux)"
    driver.save_screenshot(str(shots / "09-four-eyes.png"))


def _find(driver, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Search a person by name through the find page's form."""
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/find")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "form.filters button").click()


def test_a_caseworker_reads_and_prints_the_family_and_the_assessment(
    site, chrome, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, tokens = site
    driver = chrome
    _sign_in(driver, base, tokens["caseworker-oim"])
    _find(driver, base, "Aminata Traore")
    assert "Aminata" not in driver.current_url  # a search is posted, never in the address
    driver.save_screenshot(str(shots / "10-find.png"))
    found = driver.find_elements(By.CSS_SELECTOR, "table.results a")[0].text
    driver.find_elements(By.CSS_SELECTOR, "table.results a")[0].click()
    person = driver.current_url
    driver.back()  # the results again, searched again, no form sent again
    assert driver.find_elements(By.CSS_SELECTOR, "table.results a")[0].text == found
    assert driver.find_element(By.ID, "name").get_attribute("value") == "Aminata Traore"
    driver.get(f"{person}/family")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Fiche familiale : ")
    driver.save_screenshot(str(shots / "11-family.png"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not driver.find_element(By.CSS_SELECTOR, "header.top").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "table.family").is_displayed()
    assert base64.b64decode(driver.print_page()).startswith(b"%PDF")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.get(f"{base}/flagged")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Signalements"
    driver.save_screenshot(str(shots / "12-flags.png"))
    driver.get(f"{person}/assessment")  # another organisation's person: say why first
    driver.find_element(By.ID, "purpose").send_keys("retour prévu : évaluer la famille")
    driver.find_element(By.CSS_SELECTOR, "form.purpose button").click()
    WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "purpose-stated")))
    assert driver.current_url == f"{person}/assessment"  # the purpose is in no URL
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Évaluation du retour")
    assert driver.find_elements(By.CSS_SELECTOR, "table.factors td.evidence li")  # its records
    driver.save_screenshot(str(shots / "13-assessment.png"))
    driver.set_window_size(390, 844)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390 + 1
    driver.save_screenshot(str(shots / "13c-phone-assessment.png"))
    driver.set_window_size(1100, 900)
    _find(driver, base, "Aminata Walet Abdramane")  # a returnee of OIM's own
    driver.find_elements(By.CSS_SELECTOR, "table.results a")[0].click()
    driver.get(f"{driver.current_url}/assessment")
    form = driver.find_element(By.CSS_SELECTOR, "form.return-decision")
    Select(form.find_element(By.NAME, "decision")).select_by_value("further_assessment")
    form.find_element(By.NAME, "note").send_keys("rencontrer la famille avant le retour")
    form.find_element(By.CSS_SELECTOR, "button.decide-button").click()
    WebDriverWait(driver, 10).until(ec.url_contains("done=decision"))
    assert "La décision a été enregistrée" in driver.find_element(By.CSS_SELECTOR, "p.done").text
    decisions = driver.find_element(By.CSS_SELECTOR, "ol.decisions")
    assert "en vigueur" in decisions.text
    driver.execute_script("arguments[0].scrollIntoView()", decisions)
    driver.save_screenshot(str(shots / "13b-return-decision.png"))


def test_the_pages_fit_a_phone_and_speak_english_on_choice(site, chrome, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    base, tokens = site
    driver = chrome
    _sign_in(driver, base, tokens["reviewer-2"])
    driver.set_window_size(390, 844)
    driver.get(f"{base}/review/next")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390 + 1  # no sideways scrolling on a phone
    driver.save_screenshot(str(shots / "14-phone-suggestion.png"))
    driver.set_window_size(1100, 900)
    driver.find_element(By.ID, "lang-en").click()
    assert driver.find_element(By.TAG_NAME, "h1").text == "Same person?"
    driver.get(f"{base}/docs")
    driver.find_element(By.CSS_SELECTOR, ".swagger-ui .information-container")
    driver.save_screenshot(str(shots / "15-docs-offline.png"))


def test_a_decision_sent_after_the_session_idled_out_is_sent_again_after_sign_in(
    site, chrome, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The session ends while the reviewer reads; the decision is not sent, and after
    signing in the reviewer is back on the same suggestion, told to send it again."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, tokens = site
    driver = chrome
    wait = WebDriverWait(driver, 10)
    _sign_in(driver, base, tokens["reviewer-2"])
    driver.get(f"{base}/review/next")
    suggestion = driver.current_url
    assert "?" in suggestion  # the queue's place, to come back to
    driver.find_element(By.ID, "note").send_keys("même mère, même village")
    with monkeypatch.context() as idle:
        idle.setattr("service.sessions.IDLE", timedelta(0))  # two hours pass
        driver.find_element(By.ID, "decide-unsure").click()
        wait.until(ec.url_contains("/signin"))
    assert "n'a pas été enregistré" in driver.find_element(By.ID, "unsent").text
    driver.find_element(By.ID, "token").send_keys(tokens["reviewer-2"])
    driver.find_element(By.ID, "signin").click()
    wait.until(ec.url_to_be(suggestion))
    assert "envoyez-le à nouveau" in driver.find_element(By.ID, "resend").text
    assert driver.find_element(By.ID, "decide-unsure").is_displayed()


def test_a_tracing_officer_traces_and_confirms_a_match(site, chrome, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.ui import WebDriverWait

    base, tokens = site
    driver = chrome
    _sign_in(driver, base, tokens["tracing-officer"])
    driver.find_element(By.CSS_SELECTOR, 'a[href="/tracing"]').click()
    assert driver.find_element(By.TAG_NAME, "h1").text == "Rechercher une personne disparue"
    for name, value in (
        ("given", "Fatoumata"),
        ("family", "Sanogo"),
        ("birth_year", "2009"),
        ("village", "Kanika"),
        ("mother", "Awa Traoré"),
    ):
        driver.find_element(By.ID, name).send_keys(value)
    Select(driver.find_element(By.ID, "sex")).select_by_value("F")
    driver.find_element(By.ID, "trace").click()
    rows = driver.find_elements(By.CSS_SELECTOR, "table.traced tbody tr")
    assert rows and rows[0].find_elements(By.CSS_SELECTOR, "td ul li")  # reasons
    assert "+223" not in driver.page_source
    driver.save_screenshot(str(shots / "16-tracing.png"))

    driver.get(f"{base}/tracing/cases")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Demandes de recherche"
    driver.find_elements(By.CSS_SELECTOR, "a.case")[0].click()
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Demande de recherche ")
    assert driver.find_element(By.ID, "status").text == "ouverte"
    assert "+223" not in driver.page_source
    driver.save_screenshot(str(shots / "17-tracing-request.png"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not driver.find_element(By.CSS_SELECTOR, "form.match-form").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "table.matches").is_displayed()
    assert base64.b64decode(driver.print_page()).startswith(b"%PDF")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    form = driver.find_elements(By.CSS_SELECTOR, "form.match-form")[0]
    form.find_element(By.NAME, "note").send_keys("vérifié avec la mère")
    form.find_element(By.CSS_SELECTOR, "button.match").click()
    done = WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "done")))
    assert done.text.startswith("Correspondance confirmée")
    assert driver.find_element(By.ID, "status").text == "aboutie"
    driver.set_window_size(390, 844)
    for page in (driver.current_url, f"{base}/tracing"):
        driver.get(page)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390 + 1
    driver.set_window_size(1100, 900)


def test_a_tracing_officer_registers_the_request_of_a_search_that_found_no_one(
    site, chrome, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.ui import WebDriverWait

    base, tokens = site
    driver = chrome
    _sign_in(driver, base, tokens["tracing-officer"])
    driver.get(f"{base}/tracing")
    for name, value in (("given", "Zeinabou"), ("family", "Kanouté"), ("age", "11")):
        driver.find_element(By.ID, name).send_keys(value)
    driver.find_element(By.ID, "trace").click()
    assert "Zeinabou" not in driver.current_url
    driver.find_element(By.ID, "register-request").click()
    assert driver.find_element(By.TAG_NAME, "h1").text == "Nouvelle demande de recherche"
    assert driver.find_element(By.ID, "given").get_attribute("value") == "Zeinabou"
    assert driver.find_element(By.ID, "age").get_attribute("value") == "11"
    assert "Zeinabou" not in driver.current_url
    driver.find_element(By.ID, "requester_name").send_keys("Fanta KANOUTE")
    Select(driver.find_element(By.ID, "requester_relation")).select_by_value("mother")
    driver.find_element(By.ID, "requester_phone").send_keys("+223 70 00 00 42")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shots / "18-tracing-new-request.png"))
    driver.find_element(By.ID, "register").click()
    done = WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "done")))
    assert done.text.startswith("Demande de recherche enregistrée")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith(
        "Demande de recherche CROIX-ROUGE-DR/"
    )
    assert driver.find_element(By.ID, "status").text == "ouverte"
    assert "+223" not in driver.page_source
    driver.get(f"{base}/tracing/cases")
    assert "Zeinabou Kanouté" in driver.find_element(By.CSS_SELECTOR, "table.cases").text
