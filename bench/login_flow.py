"""The whole browser login, one at a time, for bench/login.sh: GET /auth with PKCE, follow Ferry's
redirects, POST the password form found in the page, then redeem the code at /token. Prints the
median and p95 of the login (first GET to the redirect to the client) and of the redemption."""
import base64, hashlib, html, json, re, secrets, statistics, sys, time
import urllib.error, urllib.parse, urllib.request

issuer, count = sys.argv[1], int(sys.argv[2])
origin = "/".join(issuer.split("/")[:3])
redirect = "http://127.0.0.1:5555/callback"


class Stop(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(Stop)


def send(url, form=None, auth=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data)
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with opener.open(request, timeout=30) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def login():
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "client_id": "app", "redirect_uri": redirect, "response_type": "code",
        "scope": "openid email offline_access", "state": secrets.token_urlsafe(8),
        "code_challenge": challenge, "code_challenge_method": "S256"})
    start = time.perf_counter()
    url, form = issuer + "/auth?" + query, None
    for _ in range(10):
        status, headers, body = send(url, form)
        if status in (302, 303):
            url, form = urllib.parse.urljoin(url, headers["Location"]), None
            if url.startswith(redirect):
                break
            continue
        if status != 200 or 'name="password"' not in body:
            raise SystemExit(f"unexpected {status} at {url}: {body[:200]}")
        action = html.unescape(re.search(r'<form[^>]*action="([^"]*)"', body).group(1))
        url = urllib.parse.urljoin(url, action) if action else url
        form = {"login": "admin@example.com", "password": "password"}
    logged_in = time.perf_counter()
    code = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["code"][0]
    status, _, body = send(issuer + "/token", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "code_verifier": verifier}, auth="app:app-secret")
    if status != 200 or "refresh_token" not in json.loads(body):
        raise SystemExit(f"redemption failed: {status} {body[:200]}")
    return logged_in - start, time.perf_counter() - logged_in


for _ in range(10):
    login()  # warm-up
flows, redemptions = zip(*(login() for _ in range(count)))


def summary(name, values):
    ms = sorted(v * 1000 for v in values)
    print(f"RESULT {name} n={len(ms)} median_ms={statistics.median(ms):.1f} "
          f"p95_ms={ms[int(len(ms) * 0.95) - 1]:.1f}")


summary("browser_login", flows)
summary("code_redemption", redemptions)
