"""JSON errors with Dutch messages for everything under /api/.

Every refusal answers ``{"code", "status", "message", "errors"}``; ``errors``
maps a field to its Dutch messages (validation of the request, or the same
messages the beheer screens show, from the services)."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import abort, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from ..services.base import ServiceError
from ..services.beheer import InvalidInput, NotFound, StaleEdit
from ..services.preferences import PreferenceError

API_PREFIX = "/api/"

MESSAGES: dict[int, str] = {
    400: "Het verzoek is ongeldig.",
    401: "Geef een geldige API-sleutel mee: 'Authorization: Bearer <sleutel>'.",
    403: "U heeft met deze sleutel of dit account geen toegang tot deze handeling.",
    404: "Niet gevonden.",
    405: "Deze methode is hier niet toegestaan.",
    406: "Dit antwoordformaat wordt niet ondersteund; vraag om application/json.",
    409: "Iemand anders heeft dit intussen gewijzigd; haal het opnieuw op.",
    412: "De versie in If-Match is niet (meer) de huidige.",
    413: "Het verzoek is te groot.",
    415: "Stuur de gegevens als JSON (Content-Type: application/json).",
    422: "De invoer is niet geldig; zie 'errors'.",
    428: "Geef de versie mee die u heeft opgehaald: de header If-Match met de ETag "
    "of het veld 'version'.",
    429: "Te veel verzoeken. Wacht even en probeer het dan opnieuw.",
    500: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
}

# marshmallow's and webargs' English messages, in Dutch.
TRANSLATIONS: dict[str, str] = {
    "Missing data for required field.": "Dit veld is verplicht.",
    "Unknown field.": "Onbekend veld.",
    "Not a valid string.": "Verwacht tekst.",
    "Not a valid integer.": "Verwacht een geheel getal.",
    "Not a valid boolean.": "Verwacht true of false.",
    "Field may not be null.": "Dit veld mag niet null zijn.",
    "Invalid input type.": "Verwacht een JSON-object.",
    "Not a valid mapping type.": "Verwacht een JSON-object.",
    "Not a valid list.": "Verwacht een lijst.",
    "Not a valid number.": "Verwacht een getal.",
    "Invalid value.": "Ongeldige waarde.",
    "Not a valid date.": "Verwacht een datum (JJJJ-MM-DD).",
    "Invalid JSON body.": "Dit is geen geldige JSON.",
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _dutch(message: Any) -> Any:
    if isinstance(message, str):
        return TRANSLATIONS.get(message, message)
    if isinstance(message, list):
        return [_dutch(m) for m in message]
    if isinstance(message, dict):
        return {str(k): _dutch(v) for k, v in message.items()}
    return message


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' {"json": {"field": [...]}} as {"field": [...]} (nested fields with
    dots), each message in Dutch."""
    found: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key)
            if not prefix and name in ("json", "query", "headers", "path"):
                name = ""
            found.update(_flatten(value, f"{prefix}.{name}".strip(".")))
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        found[prefix or "_schema"] = [_dutch(m) for m in messages]
        return found
    found[prefix or "_schema"] = [str(_dutch(messages))]
    return found


def error_response(
    code: int,
    message: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "code": code,
        "status": HTTP_STATUS_CODES.get(code, "Error"),
        "message": message or MESSAGES.get(code, "Het verzoek is geweigerd."),
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if code == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="ommen_rollen"')
    return response


def refuse(
    code: int,
    message: str | None = None,
    errors: dict[str, list[str]] | None = None,
) -> NoReturn:
    """Stop the request with a JSON error (bypasses the HTML error pages)."""
    abort(error_response(code, message, errors))


def from_http_exception(error: HTTPException) -> Response:
    """An HTTPException raised anywhere under /api/ as a JSON error."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = _flatten(data["messages"]) if "messages" in data else None
    message = MESSAGES.get(code) if code in MESSAGES else None
    if code == 400 and errors == {"_schema": ["Dit is geen geldige JSON."]}:
        message, errors = "Dit is geen geldige JSON.", None
    if isinstance(error, CSRFError):
        message = (
            "Het CSRF-token ontbreekt of klopt niet: stuur de header X-CSRFToken "
            "met het token van de pagina."
        )
    return error_response(code, message, errors, data.get("headers"))


def service_error_response(
    error: ServiceError, errors: dict[str, list[str]] | None = None
) -> Response:
    """A refused use case: the services' own Dutch messages, one HTTP status per
    kind of refusal. ``errors`` replaces the field errors (renamed for the API)."""
    if isinstance(error, InvalidInput):
        return error_response(422, str(error), errors or error.errors)
    if isinstance(error, PreferenceError):
        return error_response(
            422,
            str(error),
            errors or {f"choices.{k}": [v] for k, v in error.errors.items()},
        )
    if isinstance(error, StaleEdit):
        return error_response(409, str(error))
    if isinstance(error, NotFound):
        return error_response(404, str(error))
    return error_response(409, str(error))
