"""The one error handler: every GeokgError (and HTTP error) becomes HTML for browsers, JSON for clients."""

from flask import Blueprint, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from geokg.loaders.errors import GeokgError

bp = Blueprint("errors", __name__)


def error_payload(status: int, title: str, message: str) -> dict:
    """The one JSON error shape."""
    return {"ok": False, "status": status, "title": title, "error": message}


def wants_html() -> bool:
    """True when the client prefers HTML to JSON (a browser), judged by its Accept header."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"], default="application/json")
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]


def render_error(status: int, title: str, message: str):
    """An error response in the client's terms."""
    if wants_html():
        return render_template("error.html", status=status, title=title, message=message), status
    return jsonify(error_payload(status, title, message)), status


@bp.app_errorhandler(GeokgError)
def handle_geokg_error(error: GeokgError):
    return render_error(error.status, error.title, error.message)


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    response = render_error(error.code or 500, error.name, error.description or error.name)
    if error.code == 405 and getattr(error, "valid_methods", None):
        return response[0], response[1], {"Allow": ", ".join(error.valid_methods)}
    return response
