"""Survey templates: the headers the importer reads best, and the wording for a survey tool's grid.

Districts that build next year's survey from these get files that map by themselves.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from framework.definitions import Framework
from framework.scales import Scale
from framework.targets import TargetSet

GRID_TITLE = "How would you rate your current proficiency in each skill area?"
NA_CHOICE = "N/A - Not part of my role"
IDENTITY_HEADERS = ["Name", "Email", "Role", "School or department"]


def choices(scale: Scale) -> list[str]:
    return [f"{lv.value} - {lv.label}" for lv in scale.levels] + [NA_CHOICE]


def template_frame(framework: Framework) -> pd.DataFrame:
    """An empty wide sheet: identity columns, then one column per skill area named exactly."""
    return pd.DataFrame(columns=IDENTITY_HEADERS + [a.name for a in framework.areas])


def template_csv(framework: Framework) -> bytes:
    return template_frame(framework).to_csv(index=False).encode("utf-8-sig")


def question_wording(framework: Framework, scale: Scale, targets: TargetSet) -> str:
    """Plain-text instructions for a Google Forms or Microsoft Forms grid question."""
    lines = [
        f"Survey wording for the {framework.title}",
        "",
        "Questions before the grid (short answer or dropdown):",
        "  Name",
        "  Email (or turn on 'Collect email addresses')",
        "  Role (dropdown): " + "; ".join(r.name for r in targets.roles) + "; Other",
        "  School or department (dropdown): your schools and departments",
        "",
        "Google Forms: add a 'Multiple choice grid' question.",
        "Microsoft Forms: add a 'Likert' question.",
        f"  Title: {GRID_TITLE}",
        "  Rows (Google) / Statements (Microsoft), one per skill area, exactly:",
        *[f"    {a.name}" for a in framework.areas],
        "  Columns (Google) / Options (Microsoft):",
        *[f"    {c}" for c in choices(scale)],
        "  Require a response in each row, so nobody skips an area by accident.",
        "",
        "The exported file then reads with no mapping: each grid column is named",
        f"'{GRID_TITLE} [<skill area>]'.",
        "",
        "What the levels mean, to put in the form's description:",
        *[f"  {lv.value} {lv.label}" for lv in scale.levels],
        f"  {NA_CHOICE}: the area is not part of your work; it is never counted as a low rating.",
    ]
    return "\n".join(lines) + "\n"


def template_xlsx(framework: Framework, scale: Scale, targets: TargetSet) -> bytes:
    """A workbook: a 'Responses' sheet with dropdowns for role and every skill area, and the wording."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    headers = IDENTITY_HEADERS + [a.name for a in framework.areas]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 48
    for i in range(1, len(headers) + 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 18 if i > len(IDENTITY_HEADERS) else 24
    lists = wb.create_sheet("Lists")
    for r, value in enumerate(choices(scale), start=1):
        lists.cell(r, 1, value)
    for r, role in enumerate(targets.roles, start=1):
        lists.cell(r, 2, role.name)
    first_area = ws.cell(1, len(IDENTITY_HEADERS) + 1).column_letter
    last_area = ws.cell(1, len(headers)).column_letter
    levels = DataValidation(type="list", formula1=f"=Lists!$A$1:$A${len(choices(scale))}", allow_blank=True)
    levels.add(f"{first_area}2:{last_area}500")
    roles = DataValidation(type="list", formula1=f"=Lists!$B$1:$B${len(targets.roles)}", allow_blank=True)
    roles.showErrorMessage = False  # other roles may be typed in
    roles.add("C2:C500")
    ws.add_data_validation(levels)
    ws.add_data_validation(roles)
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    notes = wb.create_sheet("How to use")
    for line in question_wording(framework, scale, targets).splitlines():
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
