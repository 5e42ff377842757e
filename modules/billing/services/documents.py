"""An invoice as a PDF document (fpdf2: pure Python, installs from PyPI alone).

The text is the invoice as issued (lines, rates and the name billed are stored on it) in the
active language; the fonts are DejaVu Sans, shipped in ``modules/billing/fonts`` so any name
prints (the PDF core fonts are Latin-1 only) and no system font is needed. The document's dates
are the invoice's, so the same invoice always gives the same bytes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from modules.billing.models import Invoice
from modules.billing.templatetags.billing_tags import plan_price

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"
NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def _money(amount: Decimal, currency: str) -> str:
    return plan_price(amount, currency)


def invoice_pdf(invoice: Invoice, *, seller: str) -> bytes:
    """``invoice`` (with its lines) as PDF bytes; ``seller`` is the platform's name."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(invoice.issued_at)
    pdf.set_title(_("Invoice %(number)s") % {"number": invoice.number})
    pdf.set_author(seller)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()

    pdf.set_font(FAMILY, "B", 18)
    pdf.cell(0, 10, seller, **NEXT_LINE)
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(0, 9, _("Invoice %(number)s") % {"number": invoice.number}, **NEXT_LINE)
    pdf.set_font(FAMILY, "", 10)
    facts = [
        (_("Billed to"), invoice.billed_to),
        (_("E-mail"), invoice.billed_email),
        (_("Issued"), _day(invoice.issued_at)),
        (_("Due"), _day(invoice.due_at)),
        (pgettext("billing", "Status"), str(invoice.get_status_display())),
    ]
    if invoice.paid_at:
        facts.append((pgettext("billing", "Paid"), _day(invoice.paid_at)))
    for label, value in facts:
        if value:
            pdf.cell(40, 6, label)
            pdf.cell(0, 6, value, **NEXT_LINE)
    pdf.ln(6)

    with pdf.table(col_widths=(140, 40), text_align=("LEFT", "RIGHT"), line_height=7) as table:
        table.row((pgettext("billing", "Description"), pgettext("billing", "Amount")))
        for line in invoice.lines.all():
            table.row((line.description, _money(line.amount, invoice.currency)))
    pdf.ln(4)
    totals = [
        (pgettext("billing", "Subtotal"), invoice.subtotal),
        (_("Tax (%(rate)s %%)") % {"rate": number_format(invoice.tax_rate, 2)}, invoice.tax),
        (pgettext("billing", "Total"), invoice.total),
    ]
    for index, (label, amount) in enumerate(totals):
        pdf.set_font(FAMILY, "B" if index == len(totals) - 1 else "", 10)
        pdf.cell(140, 7, label, align="R")
        pdf.cell(40, 7, _money(amount, invoice.currency), align="R", **NEXT_LINE)
    if invoice.note:
        pdf.ln(6)
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(0, 5, invoice.note)
    return bytes(pdf.output())
