"""Locust users for bench/load.py: one page, requested as fast as the server answers (no think time).

``BENCH_TARGET`` names the page: ``sante`` (the ceiling), ``dashboard`` or ``contracts``; ``BENCH_QUERY``
is appended to its URL. Users who need an account sign in once, through the login form and its CSRF token.
"""

import os
import re

from locust import HttpUser, constant, task

PAGES = {
    "sante": ("/sante", None),
    "dashboard": ("/rapports/", "lecteur@bench.levier.test"),
    "contracts": ("/marches/", "admin@bench.levier.test"),
}
PASSWORD = "levier-bench-2026"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class PageUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.url, email = PAGES[os.environ.get("BENCH_TARGET", "sante")]
        self.url += os.environ.get("BENCH_QUERY", "")
        if email:
            page = self.client.get("/connexion", name="sign-in")
            match = TOKEN.search(page.text)
            data = {"email": email, "password": PASSWORD, "csrf_token": match.group(1) if match else ""}
            response = self.client.post("/connexion", data=data, name="sign-in", allow_redirects=False)
            if response.status_code != 302:
                raise RuntimeError(f"sign-in failed: {response.status_code}")

    @task
    def page(self):
        self.client.get(self.url, name="page")
