"""User-supplied text made safe for the two places that would otherwise read it as markup.

Names, roles, schools, areas, categories and round labels come from survey files, framework files
and the people who type them; they are shown as the text they are, never as markup:

* :func:`chart_text` for plotly figures. Plotly draws a subset of HTML in titles, tick labels,
  legend names, trace text, annotations and hover labels (``<a href>``, ``<b>``, ``<br>``,
  ``<span style>``); with ``&``, ``<`` and ``>`` written as entities it draws the characters
  themselves. Escape the text first, then add the figure's own tags (``<br>``, ``<sup>``).
* :func:`md_text` for Streamlit Markdown (``st.markdown``, captions, headers, labels). Every ASCII
  punctuation character gets a backslash, which CommonMark defines as "this character, literally",
  so no emphasis, link, image, heading, list, table, HTML, LaTeX (``$``), bare URL or Streamlit
  directive (``:red[...]``, ``:material/icon:``) can be made from the data.
"""

from __future__ import annotations

import html
import re

# CommonMark 2.4: any ASCII punctuation character may be backslash-escaped, and then stands for itself.
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def chart_text(text: object) -> str:
    """``text`` as plotly shows it literally: ``&``, ``<`` and ``>`` as HTML entities."""
    return html.escape(str(text), quote=False)


def md_text(text: object) -> str:
    """``text`` as Streamlit Markdown shows it literally: every ASCII punctuation character escaped."""
    return _MD_PUNCTUATION.sub(r"\\\1", str(text))


__all__ = ["chart_text", "md_text"]
