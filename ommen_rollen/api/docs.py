"""The API's description: OpenAPI 3.1 JSON at /api/v1/openapi.json, generated
from the routes and schemas, and a browsable page at /api/v1/ rendered on the
server (no scripts, nothing from a CDN)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, jsonify, render_template
from flask_smorest import Api
from werkzeug.wrappers import Response

from ..services.api_tokens import SCOPES
from .auth import public

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
METHODS = ("get", "post", "put", "patch", "delete")


def _api() -> Api:
    from flask import current_app

    api: Api = current_app.extensions["ommen_api"]
    return api


@bp.route("/openapi.json")
@public
def openapi_json() -> Response:
    """The OpenAPI description."""
    return jsonify(_api().spec.to_dict())


@bp.route("/")
@public
def index() -> str:
    """Every operation with its access, parameters and answers, readable."""
    spec = _api().spec.to_dict()
    operations = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "parameters": [
                        p
                        for p in [
                            *item.get("parameters", []),
                            *op.get("parameters", []),
                        ]
                    ],
                    "body": _body_schema(op),
                    "responses": sorted(op.get("responses", {}).keys()),
                    "scope": _scope(op),
                }
            )
    return render_template(
        "api/index.html", spec=spec, operations=operations, scopes=SCOPES
    )


def _body_schema(op: dict[str, Any]) -> str:
    content = (op.get("requestBody") or {}).get("content", {})
    schema = (content.get("application/json") or {}).get("schema", {})
    ref = schema.get("$ref", "")
    return str(ref.rsplit("/", 1)[-1]) if ref else ""


def _scope(op: dict[str, Any]) -> str:
    security = op.get("security") or []
    for entry in security:
        if "session" in entry:
            return "eigen sessie (medewerker)"
        for scopes in entry.values():
            return ", ".join(scopes)
    return ""


def register(app: Flask, api: Api) -> None:
    app.extensions["ommen_api"] = api
    app.register_blueprint(bp)
