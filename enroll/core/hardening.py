"""Transport and browser hardening: what every response tells the browser it may do.

- **HTTPS.** With ``ENROLL_HTTPS=1`` the site is served over HTTPS (TLS ends at the reverse proxy)
  and every request counts as such; without it, a request that came over HTTPS does (directly, or
  at the trusted proxy: with ``ENROLL_PROXY_COUNT`` ProxyFix applies its ``X-Forwarded-Proto``).
  Over HTTPS every cookie is ``Secure``, the session cookie is ``__Host-`` prefixed (Secure, path
  ``/``, no domain: no other host or path can set or shadow it) and HSTS tells the browser never to
  come back over plain HTTP.
- **Content-Security-Policy.** Scripts come from this site, or carry this response's nonce (the
  inline script folium writes for a map): no inline script without it, no event-handler attribute,
  no ``javascript:`` URL. Styles keep ``'unsafe-inline'``: folium sizes the map in a ``<style>``
  block and Leaflet's popups and tooltips are positioned with style attributes.
- **Permissions-Policy.** None of the browser's powerful features, except geolocation for this
  site (the lookup page's 使用我的位置).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Flask, current_app, request

HSTS = "max-age=31536000; includeSubDomains"
SESSION_PREFIX = "__Host-"
PERMISSIONS_POLICY = ", ".join(
    [f"{feature}=()" for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")]
    + ["geolocation=(self)"])


# no page's address (a lookup carries the address typed) is sent to the tile host as a referrer
STATIC_HEADERS = (("Permissions-Policy", PERMISSIONS_POLICY), ("X-Content-Type-Options", "nosniff"),
                  ("Referrer-Policy", "same-origin"))

HTTPS_KEY = "enroll.https"  # in the request's WSGI environ: asked by every cookie and header hook


def served_over_https() -> bool:
    """Whether this request is served over HTTPS (``ENROLL_HTTPS=1``, or it came over HTTPS)."""
    environ = request.environ
    if HTTPS_KEY not in environ:
        environ[HTTPS_KEY] = bool(current_app.config.get("HTTPS")) or request.is_secure
    return environ[HTTPS_KEY]


NONCE_KEY = "enroll.csp_nonce"  # in the request's WSGI environ: one per request, whatever app context


def csp_nonce() -> str:
    """This response's script nonce, made when a template first asks for it; the policy names it
    only then. Templates: ``<script nonce="{{ csp_nonce() }}">``."""
    if NONCE_KEY not in request.environ:
        request.environ[NONCE_KEY] = secrets.token_urlsafe(18)
    return request.environ[NONCE_KEY]


def content_security_policy(img_sources: list[str], nonce: str | None = None) -> str:
    """The policy: this site only, images also from ``img_sources`` (the base map's tile hosts)."""
    return "; ".join([
        "default-src 'self'", "script-src 'self'" + (f" 'nonce-{nonce}'" if nonce else ""),
        "style-src 'self' 'unsafe-inline'", " ".join(["img-src 'self' data:", *img_sources]),
        "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        "frame-ancestors 'self'",
    ])


def register_security_headers(app: Flask, img_sources: Callable[[str], list[str]]) -> None:
    """Add the headers to every response.

    :param img_sources: the image hosts of a ``MAP_TILES`` preset (read per request: tests switch it).
    """
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    without_nonce: dict[str, str] = {}  # by MAP_TILES: the policy of every response without a script

    @app.after_request
    def security_headers(response):
        tiles, nonce = app.config["MAP_TILES"], request.environ.get(NONCE_KEY)
        if nonce is not None:
            policy = content_security_policy(img_sources(tiles), nonce)
        elif (policy := without_nonce.get(tiles)) is None:
            policy = without_nonce[tiles] = content_security_policy(img_sources(tiles))
        headers = response.headers
        present = set(headers.keys(lower=True))  # a view's own header stays (one pass, not a lookup each)
        for name, value in (("Content-Security-Policy", policy), *STATIC_HEADERS):
            if name.lower() not in present:
                headers.add(name, value)
        if served_over_https() and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", HSTS)
        return response
