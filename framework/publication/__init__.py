"""The anonymous view's one source of numbers: an audited publication per data set.

``publish`` (one survey) and ``publish_rounds`` (a series of survey rounds) compute every figure the
anonymous pages and the exports can show, run the exact disclosure audit over all of them together,
and suppress more until it passes. Nothing else computes an anonymous figure.
"""

from framework.publication.model import TEAM, Filter, Population, Publication, publish
from framework.publication.series import RoundInput, SeriesPublication, publish_rounds

__all__ = ["TEAM", "Filter", "Population", "Publication", "RoundInput", "SeriesPublication", "publish",
           "publish_rounds"]
