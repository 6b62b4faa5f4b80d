"""The importer as it was before the speed work of issue 13 (main at 9127e3a), frozen as a test oracle.

``core.py``, ``table.py``, ``shape.py`` and ``scales.py`` are verbatim copies of ``framework/importer/``'s
and ``framework/scales.py`` at that commit, with only their imports of each other pointed here; the
unchanged modules (columns, sources, limits, errors, mapping, targets) are the framework's own. The
equivalence tests read the same files with both and require the same tidy frame (values and dtypes),
the same import report and the same refusals: the speed work must not change what a file reads as.
Delete this package once the lead is satisfied that nothing changed.
"""
