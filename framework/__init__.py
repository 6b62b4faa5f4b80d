"""The dashboard's core: definitions, import, analysis, publication and reports (no streamlit)."""

import os

# The dashboard uses no pydantic plugins: without this, pydantic scans every installed package's entry
# points the first time a model is built (a fixed cost of every command), and a package installed
# beside the dashboard could hook into how its definitions are validated.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
