"""The werkplan of one medewerker as an A4 PDF (WeasyPrint from a Jinja template),
and all werkplannen of a round as one ZIP."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import current_app, render_template

from ...models import User, WorkPlan
from .. import audit
from ..rounds import get_round
from .common import current_plans, export_filename, werkplan_document

TEMPLATE = "export/werkplan.html"


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The template is self-contained: a PDF never fetches anything from outside."""
    raise ValueError(f"extern bestand geweigerd: {url}")


def html_to_pdf(html: str, font_config: Any = None) -> bytes:
    """PDF of a self-contained HTML document (pass one FontConfiguration when
    making many: it saves loading the fonts for each)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf(
        font_config=font_config
    )
    return pdf


def render_werkplan_html(
    plan_id: int, round_plans: list[WorkPlan] | None = None
) -> tuple[str, str]:
    """(HTML, file name) of one werkplan."""
    doc = werkplan_document(plan_id, round_plans)
    html = render_template(
        TEMPLATE,
        doc=doc,
        municipality=current_app.config.get("MUNICIPALITY", "Gemeente"),
    )
    return html, doc.filename


def werkplan_pdf(
    plan_id: int, round_plans: list[WorkPlan] | None = None, font_config: Any = None
) -> tuple[bytes, str]:
    """(PDF bytes, file name) of one werkplan."""
    html, filename = render_werkplan_html(plan_id, round_plans)
    return html_to_pdf(html, font_config), filename


def round_werkplannen_zip(round_id: int) -> tuple[bytes, str]:
    """Every current werkplan of the round as one PDF each, in one ZIP."""
    round_ = get_round(round_id)
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        round_plans = current_plans(round_id)
        for plan in round_plans:
            pdf, name = werkplan_pdf(plan.id, round_plans, fonts)
            if name in used:  # two colleagues with the same name
                name = name.removesuffix(".pdf") + f"-{plan.employee.username}.pdf"
            used.add(name)
            archive.writestr(name, pdf)
    return buffer.getvalue(), export_filename(round_.label, "werkplannen", "zip")


def record_export(
    by: User | None,
    what: str,
    *,
    object_type: str,
    object_id: int | None,
    remote_addr: str | None = None,
) -> None:
    """Audit who exported which personal data (werkplannen, overviews), and from
    which address."""
    from ...extensions import db

    audit.record(
        "export",
        by,
        object_type=object_type,
        object_id=object_id,
        remote_addr=remote_addr,
        format=what,
    )
    db.session.commit()
