"""The one error handler: every GeokgError (and HTTP error) becomes HTML for browsers, JSON for clients."""

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from geokg.loaders.errors import GeokgError

bp = Blueprint("errors", __name__)
# RFC 9110 asks every 401 to say how to authenticate; writes take the token as a bearer token.
CHALLENGE = 'Bearer realm="geokg"'


def error_payload(status: int, title: str, message: str) -> dict:
    """The one JSON error shape."""
    return {"ok": False, "status": status, "title": title, "error": message}


def wants_html() -> bool:
    """True when the client prefers HTML to JSON (a browser), judged by its Accept header."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"], default="application/json")
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]


def render_error(status: int, title: str, message: str):
    """An error response in the client's terms, with the headers its status requires."""
    if wants_html():
        response = current_app.make_response((render_template("error.html", status=status, title=title,
                                                              message=message), status))
    else:
        response = current_app.make_response((jsonify(error_payload(status, title, message)), status))
    if status == 401:
        response.headers["WWW-Authenticate"] = CHALLENGE
    if status == 405:
        response.headers["Allow"] = ", ".join(sorted(_allowed_methods()))
    return response


def _allowed_methods() -> list[str]:
    """The methods the request's URL answers to, whichever view refused this one (RFC 9110 asks 405 to list them)."""
    return list(current_app.url_map.bind_to_environ(request.environ).allowed_methods())


@bp.app_errorhandler(GeokgError)
def handle_geokg_error(error: GeokgError):
    return render_error(error.status, error.title, error.message)


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    return render_error(error.code or 500, error.name, error.description or error.name)
