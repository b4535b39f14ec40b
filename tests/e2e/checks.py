"""What every page of a journey must pass: axe-core, no sideways scrolling at 1366 and 768 px, a screenshot."""

import re
import unicodedata
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DESKTOP = {"width": 1366, "height": 900}
TABLET = {"width": 768, "height": 1024}

BLOCKING_IMPACTS = {"serious", "critical"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is; keep serious and critical violations."""
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} -> {targets}")
        lines.extend(f"    {node['failureSummary']}" for node in violation["nodes"][:2])
    return "\n".join(lines)


def horizontal_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the window)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


class Journey:
    """One user's walk through the application; ``check`` every page it reaches."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name
        self.steps = 0
        self.pages_checked: list[str] = []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def slug(self, label: str) -> str:
        ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "-", ascii_label.lower()).strip("-")

    def check(self, label: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.steps += 1
        stem = ARTIFACTS / f"{self.name}-{self.steps:02d}-{self.slug(label)}"
        violations = axe_violations(page)
        assert not violations, f"{label} ({page.url}): axe violations\n{describe(violations)}"
        page.screenshot(path=f"{stem}-1366.png", full_page=True)
        assert horizontal_overflow(page) <= 0, f"{label} ({page.url}) scrolls sideways at 1366 px"
        page.set_viewport_size(TABLET)
        try:
            page.screenshot(path=f"{stem}-768.png", full_page=True)
            overflow = horizontal_overflow(page)
            assert overflow <= 0, f"{label} ({page.url}) scrolls sideways by {overflow} px at 768 px"
        finally:
            page.set_viewport_size(DESKTOP)
        self.pages_checked.append(page.url)


def sign_in(page, email: str, password: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
