#!/usr/bin/env python3
"""Writes a synthetic CDN/origin access log of a manifest's URLs, with a Zipf-distributed request stream.

Input: `prerender plan --json` lines (asset and url or path per rendition) or a urls.txt (one URL a line; each
URL is then its own "asset" in the truth). Assets get Zipf weights (rank k: 1/k^s) in a shuffled order, each
request picks an asset by weight and one of its renditions uniformly. The truth file lists the requests that
should count (status 200 or 304) per asset, most requested first: "count<TAB>asset".

Noise, with --noise: 404s of real URLs, other paths (/favicon.ico, /api/...), query strings on real URLs,
and malformed lines (their line numbers go to --malformed-lines).
"""
import argparse
import gzip
import json
import random
import sys
import time


def read_urls(path):
    """[(asset, url)]"""
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            item = json.loads(line)
            out.append((item["asset"], item.get("url") or "/" + item["path"]))
        else:
            out.append((line, line))
    return out


def path_of(url):
    if "://" in url:
        rest = url.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return url if url.startswith("/") else "/" + url


CLF_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def clf_time(t):
    g = time.gmtime(t)
    return f"{g.tm_mday:02}/{CLF_MONTHS[g.tm_mon - 1]}/{g.tm_year}:{g.tm_hour:02}:{g.tm_min:02}:{g.tm_sec:02} +0000"


def line_for(fmt, url, status, size, t, cache):
    path = path_of(url)
    if fmt == "combined":
        return (f'203.0.113.{t % 250} - - [{clf_time(t)}] "GET {path} HTTP/1.1" {status} {size} '
                f'"https://www.example.com/shows" "Mozilla/5.0 (X11; Linux x86_64)" {cache}')
    if fmt == "cloudfront":
        g = time.gmtime(t)
        stem, _, query = path.partition("?")
        result = {"HIT": "Hit", "MISS": "Miss"}[cache]
        return "\t".join([f"{g.tm_year}-{g.tm_mon:02}-{g.tm_mday:02}", f"{g.tm_hour:02}:{g.tm_min:02}:{g.tm_sec:02}",
                          "FRA56-C1", str(size), "203.0.113.7", "GET", "d111111abcdef8.cloudfront.net", stem,
                          str(status), "-", "Mozilla/5.0", query or "-", "-", result, "reqid", "img.example.com",
                          "https", "120", "0.002"])
    return json.dumps({"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)), "url": path,
                       "status": status, "bytes": size, "cache_status": cache}, separators=(",", ":"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--urls", required=True)
    p.add_argument("--format", choices=["combined", "cloudfront", "json"], default="combined")
    p.add_argument("--lines", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--zipf", type=float, default=1.0)
    p.add_argument("--noise", action="store_true")
    p.add_argument("--start", type=int, default=1796083200)  # 2026-12-01T00:00:00Z
    p.add_argument("--seconds", type=int, default=86400, help="the span of the log")
    p.add_argument("--out", required=True, help="the log; .gz is written gzip-compressed")
    p.add_argument("--truth")
    p.add_argument("--malformed-lines")
    p.add_argument("--misses-truth", help="like --truth, for the requests the CDN passed to the origin")
    p.add_argument("--window", nargs=2, type=int, metavar=("SINCE", "UNTIL"), help="Unix times for --window-truth")
    p.add_argument("--window-truth", help="like --truth, for the requests with SINCE <= time < UNTIL")
    args = p.parse_args()

    rng = random.Random(args.seed)
    urls = read_urls(args.urls)
    by_asset = {}
    for asset, url in urls:
        by_asset.setdefault(asset, []).append(url)
    assets = sorted(by_asset)
    rng.shuffle(assets)
    weights = [1 / (k + 1) ** args.zipf for k in range(len(assets))]
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    truth = {a: 0 for a in assets}
    misses = {a: 0 for a in assets}
    window = {a: 0 for a in assets}
    malformed = []
    opener = gzip.open if args.out.endswith(".gz") else open
    with opener(args.out, "wt", encoding="utf-8", newline="\n") as out:
        if args.format == "cloudfront":
            out.write("#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem "
                      "sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type "
                      "x-edge-request-id x-host-header cs-protocol cs-bytes time-taken\n")
            number = 2
        else:
            number = 0
        chunk = 100_000
        written = 0
        while written < args.lines:
            n = min(chunk, args.lines - written)
            picks = rng.choices(assets, cum_weights=cum, k=n)
            lines = []
            for i, asset in enumerate(picks):
                t = args.start + (written + i) * args.seconds // max(args.lines, 1)
                url = rng.choice(by_asset[asset])
                status, cache = 200, "HIT" if rng.random() < 0.9 else "MISS"
                roll = rng.random() if args.noise else 1.0
                if roll < 0.02:
                    status = 404
                elif roll < 0.04:
                    url = rng.choice(["/favicon.ico", "/robots.txt", f"/api/v1/items/{rng.randrange(1000)}",
                                      f"/unlisted/poster-{rng.randrange(50)}/card.jpg"])
                elif roll < 0.06:
                    status = 304
                elif roll < 0.08:
                    url = url + f"?v={rng.randrange(10)}"
                elif roll < 0.085:
                    number += 1
                    malformed.append(number)
                    lines.append(rng.choice(["garbage without fields", "203.0.113.9 - - [not a time] \"GET / HTTP/1.1\" 200 1",
                                             "-\t-", "{\"url\": 17}"]))
                    continue
                number += 1
                if status in (200, 304) and url.split("?")[0] in by_asset[asset]:
                    truth[asset] += 1
                    misses[asset] += cache == "MISS"
                    window[asset] += bool(args.window) and args.window[0] <= t < args.window[1]
                lines.append(line_for(args.format, url, status, 1000 + len(url) * 97, t, cache))
            out.write("\n".join(lines) + "\n")
            written += n
    for path, counts in ((args.truth, truth), (args.misses_truth, misses), (args.window_truth, window)):
        if path:
            with open(path, "w", encoding="utf-8") as f:
                for asset, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                    if count:
                        f.write(f"{count}\t{asset}\n")
    if args.malformed_lines:
        with open(args.malformed_lines, "w") as f:
            f.write("".join(f"{n}\n" for n in malformed))


if __name__ == "__main__":
    sys.exit(main())
